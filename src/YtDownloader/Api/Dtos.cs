using System.Text.Json.Serialization;
using YtDownloader.Jobs;

namespace YtDownloader.Api;

/// <summary>
/// The original <c>/api/video</c> shape (<c>title, formats, duration, thumbnail</c>) plus what a user needs to choose;
/// <c>thumbnailProxy</c> is the same image served by this server.
/// </summary>
public sealed record VideoResponse(
    string VideoId,
    string Title,
    string Author,
    double Duration,
    string? Thumbnail,
    string? ThumbnailProxy,
    IReadOnlyList<FormatResponse> Formats,
    string Source);

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
    bool NeedsMerge);

public sealed record UploadRequestBody(string? Url, string? Title, string? Quality);

/// <summary>The original <c>{success, s3_url, filename}</c> plus where the object is and how to fetch it.</summary>
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
    string? Note)
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
        Note: result.Note);

    // The local store's links are relative to where this service serves its files.
    private static string Absolute(Uri baseUrl, Uri url) =>
        url.IsAbsoluteUri ? url.ToString() : new Uri(new Uri(baseUrl, FilesApi.Route.TrimStart('/') + "/"), url).ToString();
}

/// <summary>A job as the API shows it; <c>result</c> is the upload endpoint's answer once it is done.</summary>
public sealed record JobResponse(
    string Id,
    string Url,
    string VideoId,
    string Quality,
    string? Title,
    string Phase,
    long DownloadedBytes,
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
    int Attempts)
{
    public static JobResponse From(JobSnapshot job, Uri baseUrl) => new(
        job.Id, job.Url, job.VideoId, job.Quality, job.Title, job.Phase.ToString().ToLowerInvariant(),
        job.DownloadedBytes, job.UploadedBytes, job.TotalBytes,
        job.BytesPerSecond is { } speed ? Math.Round(speed) : null, job.EtaSeconds is { } eta ? Math.Round(eta, 1) : null,
        job.CreatedAt, job.StartedAt, job.FinishedAt,
        job.Result is { } result ? UploadResponse.From(result, baseUrl) : null, job.Error, job.Reused, job.Attempts);
}

public sealed record JobPageResponse(IReadOnlyList<JobResponse> Jobs, string? Next);
