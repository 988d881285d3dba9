using Microsoft.Extensions.Options;
using YtDownloader.Sources;

namespace YtDownloader.Pipeline;

/// <summary>Opens fetch sessions over media streams, with our own ranged, resuming fetch and one pool of chunk buffers.</summary>
public sealed class MediaFetcher(HttpClient http, IOptions<PipelineOptions> options, ILogger<MediaFetcher> logger)
{
    public const string HttpClientName = "media";
    private static readonly Dictionary<string, string> EmptyHeaders = [];

    // Kept for reuse while jobs run (enough for a few jobs' windows), given up a second after the last one ends.
    private readonly BufferPool _chunkBuffers = new(mostKeptPerLength: 4 * MediaWindow.For(options.Value).ChunksInWindow);

    /// <param name="share">The stream's part of the job's bytes, which sizes its window (<see cref="MediaWindow.For"/>).</param>
    /// <param name="onFetched">Told each time bytes arrive from the media server.</param>
    /// <param name="replacer">Asked for another URL when the media server refuses this one part-way; none: the refusal ends the download.</param>
    public MediaSession Open(MediaFormat format, double share = 1, Action<int>? onFetched = null, IStreamReplacer? replacer = null) =>
        new(http, format, MediaWindow.For(options.Value, share), options.Value, _chunkBuffers, onFetched, replacer, logger);

    /// <summary>A request for a stream, with the headers its source says every request for it needs.</summary>
    internal static HttpRequestMessage NewRequest(Uri url, IReadOnlyDictionary<string, string>? headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, value) in headers ?? EmptyHeaders)
            request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }
}
