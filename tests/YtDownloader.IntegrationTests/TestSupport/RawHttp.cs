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
        using var received = new MemoryStream();
        await stream.CopyToAsync(received).WaitAsync(TimeSpan.FromSeconds(30));
        var answer = received.ToArray();

        var headersEnd = answer.AsSpan().IndexOf("\r\n\r\n"u8);
        var head = Encoding.ASCII.GetString(answer, 0, headersEnd);
        var content = answer.AsSpan(headersEnd + 4).ToArray();
        var chunked = head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase);
        var answerBody = Encoding.UTF8.GetString(chunked ? Dechunked(content) : content);
        answerBody.ShouldNotContain("   at ", customMessage: "a stack trace reached the client");
        return (int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), answerBody);
    }

    /// <summary>The body of a chunked answer, without the chunks' length lines.</summary>
    private static byte[] Dechunked(byte[] chunked)
    {
        var whole = new MemoryStream();
        for (var at = 0; ;)
        {
            var lineEnd = at + chunked.AsSpan(at).IndexOf("\r\n"u8);
            var length = Convert.ToInt32(Encoding.ASCII.GetString(chunked, at, lineEnd - at).Split(';')[0], 16);
            if (length == 0)
                return whole.ToArray();
            whole.Write(chunked, lineEnd + 2, length);
            at = lineEnd + 2 + length + 2;
        }
    }

    /// <summary>A job request for a video the origin plays, as JSON.</summary>
    public static string JobBody(string video, string quality = "360p") => $$"""{"url":"https://youtu.be/{{video}}","quality":"{{quality}}"}""";
}
