using System.Text.Json.Serialization;
using YtDownloader.Jobs;
using YtDownloader.Pipeline;

namespace YtDownloader.Api;

/// <summary>
/// The original <c>/api/video</c> shape (<c>title, formats, duration, thumbnail</c>) plus what a user needs to choose;
/// <c>thumbnailProxy</c> is the same image served by this server. <c>unavailable</c> says, for the user, why this server
/// will not take the video at all (over its duration limit); then every format says so too.
/// </summary>
public sealed record VideoResponse(
    string VideoId,
    string Title,
    string Author,
    double Duration,
    string? Thumbnail,
    string? ThumbnailProxy,
    IReadOnlyList<FormatResponse> Formats,
    string Source,
    IReadOnlyList<AudioFormatResponse> Audio,
    string? Unavailable);

/// <summary>
/// An audio-only file the video can be stored as: <c>quality: "audio"</c> with this <c>format</c>; <c>unavailable</c>
/// is why this server will not take it (over a limit), for the user, or null.
/// </summary>
public sealed record AudioFormatResponse(
    string Quality,
    string Format,
    int Itag,
    string Acodec,
    long? Bitrate,
    long? Filesize,
    bool Reencoded,
    bool NeedsRemux,
    string? Unavailable);

/// <summary>One quality; <c>unavailable</c> is why this server will not take it (over a limit), for the user, or null.</summary>
public sealed record FormatResponse(
    string Quality,
    string Url,
    int Itag,
    string Ext,
    int? Fps,
    string? Vcodec,
    string? Acodec,
    long? Filesize,
    long? Bitrate,
    bool HasAudio,
    bool NeedsMerge,
    string? Unavailable);

/// <summary>
/// A request to store a video; with a playlist or channel link, <c>all</c> (every listed video) or <c>videoIds</c>
/// (a chosen part) makes it a batch. <c>format</c> goes with quality "audio": m4a (default), mp3 or opus.
/// </summary>
public sealed record UploadRequestBody(string? Url, string? Title, string? Quality, string? Format = null, bool? All = null, IReadOnlyList<string>? VideoIds = null);

/// <summary>
/// The original <c>{success, s3_url, filename}</c> plus where the object is and how to fetch it: <c>openUrl</c> plays it
/// in the browser, <c>downloadUrl</c> saves it; both work on a private bucket. <c>s3_url</c> is the object's plain
/// address, kept for compatibility (a private bucket refuses it).
/// </summary>
public sealed record UploadResponse(
    bool Success,
    [property: JsonPropertyName("s3_url")] string S3Url,
    string Filename,
    string Key,
    string Bucket,
    long Size,
    string ContentType,
    string VideoId,
    string Quality,
    string DownloadUrl,
    bool Merged,
    string? Note,
    string OpenUrl)
{
    public static UploadResponse From(JobResult result, Uri baseUrl) => new(
        Success: true,
        S3Url: Absolute(baseUrl, result.Url),
        Filename: Path.GetFileName(result.Key),
        Key: result.Key,
        Bucket: result.Bucket,
        Size: result.Size,
        ContentType: result.ContentType,
        VideoId: result.VideoId,
        Quality: result.Quality,
        DownloadUrl: Absolute(baseUrl, result.DownloadUrl),
        Merged: result.Merged,
        Note: result.Note,
        OpenUrl: Absolute(baseUrl, result.OpenUrl ?? result.DownloadUrl));

    // The local store's links are relative to where this service serves its files.
    private static string Absolute(Uri baseUrl, Uri url) =>
        url.IsAbsoluteUri ? url.ToString() : new Uri(new Uri(baseUrl, FilesApi.Route.TrimStart('/') + "/"), url).ToString();
}

/// <summary>
/// A job as the API shows it; <c>result</c> is the upload endpoint's answer once it is done. <c>fetchedBytes</c> is what
/// the media server sent (about <c>totalBytes</c>: each byte is fetched once), <c>waitingSeconds</c> the time left in the
/// <c>waiting</c> phase, <c>provider</c> who gives the stream URLs, <c>handovers</c> each time another took over.
/// </summary>
public sealed record JobResponse(
    string Id,
    string Url,
    string VideoId,
    string Quality,
    string? Title,
    string Phase,
    long DownloadedBytes,
    long FetchedBytes,
    long UploadedBytes,
    long? TotalBytes,
    double? BytesPerSecond,
    double? EtaSeconds,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    UploadResponse? Result,
    string? Error,
    bool Reused,
    int Attempts,
    double? WaitingSeconds,
    string? Provider,
    IReadOnlyList<HandoverResponse> Handovers,
    string? Batch,
    string Format)
{
    public static JobResponse From(JobSnapshot job, Uri baseUrl) => new(
        job.Id, job.Url, job.VideoId, job.Quality, job.Title, job.Phase.ToString().ToLowerInvariant(),
        job.DownloadedBytes, job.FetchedBytes, job.UploadedBytes, job.TotalBytes,
        job.BytesPerSecond is { } speed ? Math.Round(speed) : null, job.EtaSeconds is { } eta ? Math.Round(eta, 1) : null,
        job.CreatedAt, job.StartedAt, job.FinishedAt,
        job.Result is { } result ? UploadResponse.From(result, baseUrl) : null, job.Error, job.Reused, job.Attempts,
        job.WaitingSeconds, job.Provider,
        [.. (job.Handovers ?? []).Select(h => new HandoverResponse(h.From, h.To, h.Itag, h.AtByte, h.Reason))],
        job.Batch, job.Format.Extension());
}

/// <summary>Another provider took over a stream the media server refused, at that byte.</summary>
public sealed record HandoverResponse(string From, string To, int Itag, long AtByte, string Reason);

public sealed record JobPageResponse(IReadOnlyList<JobResponse> Jobs, string? Next);

/// <summary>A batch: its jobs in the playlist's order, and how many are in each phase.</summary>
public sealed record BatchResponse(string Batch, IReadOnlyList<JobResponse> Jobs, IReadOnlyDictionary<string, int> Phases)
{
    public static BatchResponse From(string batch, IEnumerable<JobSnapshot> jobs, Uri baseUrl)
    {
        var answers = jobs.Select(j => JobResponse.From(j, baseUrl)).ToList();
        return new BatchResponse(batch, answers, answers.GroupBy(j => j.Phase).ToDictionary(g => g.Key, g => g.Count()));
    }
}

/// <summary>A playlist or channel and its videos, as <c>GET /api/playlist</c> answers.</summary>
public sealed record PlaylistListingResponse(
    string PlaylistId, string Title, string Author, int VideoCount, IReadOnlyList<PlaylistVideoResponse> Videos, bool Truncated);

public sealed record PlaylistVideoResponse(string VideoId, string Title, double? Duration, string? Thumbnail);
