using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using YtDownloader.Sources;

namespace YtDownloader.Pipeline;

/// <summary>Opens media streams with our own ranged, resuming fetch.</summary>
public sealed class MediaFetcher(HttpClient http, IOptions<PipelineOptions> options, ILogger<MediaFetcher> logger)
{
    public const string HttpClientName = "media";
    private static readonly Dictionary<string, string> EmptyHeaders = [];

    public Stream Open(MediaFormat format, long offset = 0) =>
        new RangedMediaStream(http, format.Url, format.Headers, offset, format.ContentLength, options.Value, logger);

    /// <summary>The stream's size: from the source's metadata, or asked of the media server with a one-byte range.</summary>
    public async Task<long> GetLengthAsync(MediaFormat format, CancellationToken cancellationToken)
    {
        if (format.ContentLength is { } known)
            return known;
        using var request = NewRequest(format.Url, format.Headers);
        request.Headers.Range = new RangeHeaderValue(0, 0);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return response.Content.Headers.ContentRange?.Length
                ?? (response.StatusCode == System.Net.HttpStatusCode.OK ? response.Content.Headers.ContentLength : null)
                ?? throw new DownloadException($"The media server did not tell the size of stream {format.Itag} (HTTP {(int)response.StatusCode}).");
        }
        catch (HttpRequestException ex)
        {
            throw new DownloadException($"The media server could not be reached: {ex.Message}", ex);
        }
    }

    /// <summary>A request for a stream, with the headers its source says every request for it needs.</summary>
    internal static HttpRequestMessage NewRequest(Uri url, IReadOnlyDictionary<string, string>? headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, value) in headers ?? EmptyHeaders)
            request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }
}
