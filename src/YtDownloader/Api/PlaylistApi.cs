using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using YtDownloader.Jobs;
using YtDownloader.Security;
using YtDownloader.Sources.Youtube;
using YtDownloader.Urls;

namespace YtDownloader.Api;

/// <summary>Playlists and channels: their videos listed, and stored as one batch of jobs.</summary>
public static class PlaylistApi
{
    public static IEndpointRouteBuilder MapPlaylistApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/playlist", GetPlaylistAsync)
            .WithName("GetPlaylist")
            .WithSummary("A playlist's or channel's videos, following YouTube's pages up to Limits:MaxPlaylistVideos.")
            .RequireRateLimiting(RateLimitPolicies.Metadata);
        return app;
    }

    public static async Task<Ok<PlaylistListingResponse>> GetPlaylistAsync(
        string? url, BrowseClient browse, IOptions<LimitsOptions> limits, CancellationToken cancellationToken)
    {
        var listing = await browse.ListAsync(ParseListUrl(url), limits.Value.MaxPlaylistVideos, cancellationToken);
        return TypedResults.Ok(new PlaylistListingResponse(
            listing.PlaylistId, listing.Title, listing.Author, listing.VideoCount,
            listing.Videos.Select(v => new PlaylistVideoResponse(v.VideoId.Value, v.Title, v.Duration?.TotalSeconds, v.Thumbnail)).ToList(),
            listing.Truncated));
    }

    /// <summary>
    /// Whether a job request is a batch: a playlist or channel link with <c>all</c> or <c>videoIds</c>. A link that
    /// names only a list must say which videos; a link with a video and a list stays one video unless it does.
    /// </summary>
    internal static bool IsBatch(UploadRequestBody? body)
    {
        if (body?.All == true || body?.VideoIds is not null)
            return true;
        var link = YoutubeLink.Inspect(body?.Url);
        if (link.List is not null && link.Video is null)
            throw new InvalidRequestException(
                "This is a playlist or channel link: send \"all\": true to store every video, or \"videoIds\": [...] for some of them (GET /api/playlist lists them).");
        return false;
    }

    /// <summary>Lists the playlist or channel and submits one job per chosen video, in the list's order.</summary>
    internal static async Task<(string Batch, IReadOnlyList<JobSnapshot> Jobs)> SubmitBatchAsync(
        UploadRequestBody body, JobRunner runner, BrowseClient browse, LimitsOptions limits, CancellationToken cancellationToken)
    {
        UploadApi.RefuseControlCharacters(body);
        var list = ParseListUrl(body.Url);
        if (string.IsNullOrWhiteSpace(body.Quality))
            throw new InvalidRequestException("The quality field is required, e.g. \"720p\" or \"audio\": it applies to every video of the batch.");
        if (body.All == true && body.VideoIds is not null)
            throw new InvalidRequestException("Send either \"all\": true or \"videoIds\", not both.");
        var output = UploadApi.ParseOutput(body);
        // Each video of a list has its own caption languages, known only when its turn comes: refusing one then would
        // fail it long after this answer, so a batch takes none.
        if (body.Subtitles is { Count: > 0 })
            throw new InvalidRequestException("Subtitles go with a single video, not with a playlist or channel: store the videos without them, or one by one.");

        var listing = await browse.ListAsync(list, limits.MaxPlaylistVideos, cancellationToken);
        var chosen = listing.Videos;
        if (body.VideoIds is { } ids)
        {
            var wanted = ids.Select(i => VideoId.TryParse(i) ?? throw new InvalidRequestException($"\u201c{i}\u201d is not a video ID.")).ToHashSet();
            var missing = wanted.Except(listing.Videos.Select(v => v.VideoId)).ToList();
            if (missing.Count > 0)
                throw new InvalidRequestException(
                    $"Not in this list (or beyond its first {limits.MaxPlaylistVideos} videos): {string.Join(", ", missing)}.");
            chosen = listing.Videos.Where(v => wanted.Contains(v.VideoId)).ToList();
        }
        if (chosen.Count == 0)
            throw new InvalidRequestException("The list has no videos to store.");

        return await runner.SubmitBatchAsync(
            new BatchRequest(chosen.Select(v => new BatchVideo(v.VideoId, v.Title)).ToList(), body.Quality.Trim(), output), cancellationToken);
    }

    private static ListLink ParseListUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
            throw new InvalidRequestException("The url parameter is required: pass a playlist or channel link, e.g. url=https://www.youtube.com/playlist?list=PL….");
        var (list, error) = YoutubeLink.InspectList(url);
        return list ?? throw new InvalidRequestException($"Not a YouTube playlist or channel link: {error}");
    }
}
