using System.Text.Json.Serialization;

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
    string? Note);
