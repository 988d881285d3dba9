using System.Net.Sockets;
using System.Text;

namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>
/// A request written byte for byte on a socket, for what HttpClient will not send: no Host header, HTTP/1.0,
/// a port beyond 65535, a host name other than the one connected to.
/// </summary>
public static class RawHttp
{
    /// <summary>Sends the request line and header lines as given (plus the body with its length) and reads the whole answer.</summary>
    /// <returns>The answer's status and everything after its headers.</returns>
    public static async Task<(int Status, string Body)> SendAsync(Uri server, string requestLine, IEnumerable<string> headers, string? body = null)
    {
        var text = new StringBuilder(requestLine).Append("\r\n");
        foreach (var header in headers.Append("Connection: close"))
            text.Append(header).Append("\r\n");
        if (body is not null)
            text.Append("Content-Type: application/json\r\n").Append($"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n");
        text.Append("\r\n").Append(body);

        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var answer = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var statusLine = answer[..answer.IndexOf("\r\n", StringComparison.Ordinal)];
        var headersEnd = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        answer.ShouldNotContain("   at ", customMessage: "a stack trace reached the client");
        var content = answer[(headersEnd + 4)..];
        var chunked = answer[..headersEnd].Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase);
        return (int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), chunked ? Dechunked(content) : content);
    }

    /// <summary>The body of a chunked answer: each chunk's hex length line dropped (the answers here are ASCII JSON).</summary>
    private static string Dechunked(string chunked)
    {
        var body = new StringBuilder();
        for (var at = 0; ;)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var length = Convert.ToInt32(chunked[at..lineEnd].Split(';')[0], 16);
            if (length == 0)
                return body.ToString();
            body.Append(chunked, lineEnd + 2, length);
            at = lineEnd + 2 + length + 2;
        }
    }

    /// <summary>A job request for a video the origin plays, as JSON.</summary>
    public static string JobBody(string video, string quality = "360p") => $$"""{"url":"https://youtu.be/{{video}}","quality":"{{quality}}"}""";
}
