using Microsoft.AspNetCore.Http.HttpResults;
using YtDownloader.Pipeline;
using YtDownloader.Security;

namespace YtDownloader.Api;

public static class UploadApi
{
    public static IEndpointRouteBuilder MapUploadApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/upload-s3", UploadAsync)
            .WithName("UploadToS3")
            .WithSummary("Downloads a video at one quality, merges it into MP4 when needed, and streams it into the bucket.")
            .RequireRateLimiting(RateLimitPolicies.Jobs);
        return app;
    }

    public static async Task<Ok<UploadResponse>> UploadAsync(
        UploadRequestBody? body, VideoPipeline pipeline, HttpContext context, CancellationToken cancellationToken)
    {
        var id = VideoApi.ParseVideoUrl(body?.Url);
        if (string.IsNullOrWhiteSpace(body!.Quality))
            throw new InvalidRequestException("The quality field is required, e.g. \"1280x720\" or \"720p\": GET /api/video lists them.");

        var result = await pipeline.RunAsync(new UploadRequest(id, body.Quality, body.Title), progress: null, cancellationToken);
        var stored = result.Object;
        var baseUrl = new Uri($"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/");
        return TypedResults.Ok(new UploadResponse(
            Success: true,
            S3Url: Absolute(baseUrl, stored.Url),
            Filename: Path.GetFileName(stored.Key),
            Key: stored.Key,
            Bucket: stored.Bucket,
            Size: stored.Size,
            ContentType: stored.ContentType,
            VideoId: result.Video.Id.Value,
            Quality: result.Plan.Quality,
            DownloadUrl: Absolute(baseUrl, stored.DownloadUrl),
            Merged: result.Plan.NeedsMerge,
            Note: result.Plan.Note));
    }

    private static string Absolute(Uri baseUrl, Uri url) => url.IsAbsoluteUri ? url.ToString() : new Uri(baseUrl, url.ToString().TrimStart('/')).ToString();
}
