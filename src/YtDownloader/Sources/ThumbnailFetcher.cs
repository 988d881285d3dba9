using YtDownloader.Urls;

namespace YtDownloader.Sources;

/// <summary>An image the page can show, fetched by the server so that the browser never talks to a third party.</summary>
public sealed record ThumbnailImage(byte[] Content, string ContentType);

/// <summary>Fetches the thumbnail a source named for a video; never a URL that came from a user.</summary>
public sealed class ThumbnailFetcher(SourceChain sources, HttpClient http)
{
    public const string HttpClientName = "thumbnails";

    // A YouTube thumbnail is 10–150 KB; anything far larger is not a thumbnail.
    private const int MaxBytes = 2 * 1024 * 1024;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    // Wide enough for the page's card at twice its pixel density, without the 1280×720 maxres image.
    private const int PreferredMaxWidth = 640;

    /// <summary>The video's thumbnail, or <see langword="null"/> when its source lists none.</summary>
    public async Task<ThumbnailImage?> GetAsync(VideoId id, CancellationToken cancellationToken)
    {
        var video = await sources.GetVideoAsync(id, cancellationToken);
        var thumbnail = video.Thumbnails.Where(t => t.Width is > 0 and <= PreferredMaxWidth).MaxBy(t => t.Width)
            ?? video.BestThumbnail;
        if (thumbnail is null || !Uri.TryCreate(thumbnail.Url, UriKind.Absolute, out var url))
            return null;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var contentType = response.Content.Headers.ContentType?.MediaType;
            if (!response.IsSuccessStatusCode)
                throw new SourceFailedException($"{video.SourceName} refused the thumbnail (HTTP {(int)response.StatusCode}).");
            if (contentType is null || !contentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
                throw new SourceFailedException($"{video.SourceName} answered the thumbnail with {contentType ?? "no content type"}, not an image.");
            return new ThumbnailImage(await ReadCappedAsync(response.Content, timeout.Token), contentType);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SourceFailedException($"{video.SourceName} did not send the thumbnail within {Timeout.TotalSeconds:0} s.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new SourceFailedException($"Could not fetch the thumbnail from {video.SourceName}: {ex.Message}", ex);
        }
    }

    private static async Task<byte[]> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxBytes)
            throw new SourceFailedException($"The thumbnail is larger than {MaxBytes / 1024 / 1024} MB.");
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
                throw new SourceFailedException($"The thumbnail is larger than {MaxBytes / 1024 / 1024} MB.");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
