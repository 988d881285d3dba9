using Microsoft.AspNetCore.Http.HttpResults;
using YtDownloader.Pipeline;
using YtDownloader.Security;
using YtDownloader.Sources;
using YtDownloader.Urls;

namespace YtDownloader.Api;

public static class VideoApi
{
    public static IEndpointRouteBuilder MapVideoApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/video", GetVideoAsync)
            .WithName("GetVideo")
            .WithSummary("A video's metadata and qualities: one per resolution, or every format with all=true.")
            .RequireRateLimiting(RateLimitPolicies.Metadata);
        app.MapGet("/api/video/{id}/thumbnail", GetThumbnailAsync)
            .WithName("GetVideoThumbnail")
            .WithSummary("The video's thumbnail, fetched by the server so that the page never talks to a third party.")
            .RequireRateLimiting(RateLimitPolicies.Metadata);
        return app;
    }

    public static async Task<Ok<VideoResponse>> GetVideoAsync(
        string? url, string? all, SourceChain sources, VideoLimits limits, CancellationToken cancellationToken)
    {
        var id = ParseVideoUrl(url);
        var everyFormat = QueryValues.Flag(nameof(all), all);
        var video = await sources.GetVideoAsync(id, cancellationToken);
        var audio = FormatSelector.BestAudio(video, preferAac: true);
        var formats = FormatSelector.ListQualities(video, everyFormat)
            .Select(f =>
            {
                var size = f.HasAudio ? f.ContentLength : f.ContentLength + audio?.ContentLength;
                return new FormatResponse(
                    f.Resolution!, f.Url.ToString(), f.Itag, f.Container, f.Fps, f.VideoCodec, f.AudioCodec, size,
                    f.Bitrate, f.HasAudio, NeedsMerge: !f.HasAudio, limits.Unavailable(video, size));
            })
            .ToList();
        return TypedResults.Ok(new VideoResponse(
            video.Id.Value, video.Title, video.Author, video.Duration.TotalSeconds, video.BestThumbnail?.Url,
            video.Thumbnails.Count > 0 ? ThumbnailPath(video.Id) : null, formats, video.SourceName, AudioChoicesOf(video, limits),
            limits.DurationRefusal(video)));
    }

    /// <summary>MP3's size is what its encoding (VBR quality 2, about 190 kbit/s) makes of the duration; the others are the stream's own size.</summary>
    private static List<AudioFormatResponse> AudioChoicesOf(VideoInfo video, VideoLimits limits)
    {
        const long Mp3Bitrate = 190_000;
        return FormatSelector.AudioChoices(video).Select(c =>
        {
            var size = c.Output == OutputFormat.Mp3 ? (long)(Mp3Bitrate / 8 * video.Duration.TotalSeconds) : c.Source.HasVideo ? null : c.Source.ContentLength;
            return new AudioFormatResponse(
                OutputFormats.AudioQuality, c.Output.Extension(), c.Source.Itag, c.Source.AudioCodec!,
                c.Output == OutputFormat.Mp3 ? Mp3Bitrate : c.Source.Bitrate, size,
                Reencoded: c.Output == OutputFormat.Mp3,
                NeedsRemux: c.NeedsConversion && c.Output != OutputFormat.Mp3,
                // What the limit compares is what is downloaded: the source stream, whatever the file becomes.
                limits.Unavailable(video, c.Source.ContentLength));
        }).ToList();
    }

    public static async Task<Results<FileContentHttpResult, NotFound>> GetThumbnailAsync(
        string id, ThumbnailFetcher thumbnails, HttpContext context, CancellationToken cancellationToken)
    {
        var image = await thumbnails.GetAsync(ParseVideoUrl(id), cancellationToken);
        if (image is null)
            return TypedResults.NotFound();
        context.Response.Headers.CacheControl = "private, max-age=3600";
        return TypedResults.File(image.Content, image.ContentType);
    }

    private static string ThumbnailPath(VideoId id) => $"/api/video/{id}/thumbnail";

    /// <summary>Turns user input into a video ID before anything is fetched; anything else is a 400 with the reason.</summary>
    internal static VideoId ParseVideoUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
            throw new InvalidRequestException("The url parameter is required: pass a YouTube link, e.g. url=https://youtu.be/dQw4w9WgXcQ.");
        var parsed = VideoId.Inspect(url);
        return parsed.Id ?? throw new InvalidRequestException($"Not a YouTube video link: {parsed.Error}");
    }
}
