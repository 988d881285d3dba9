using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using YtDownloader.Storage;

namespace YtDownloader.Api;

/// <summary>
/// Serves the local store's objects back, since without a bucket there is no other place to fetch them, through
/// the signed, expiring links the store hands out: no API key needed, and nothing for whoever has no link.
/// </summary>
public static class FilesApi
{
    /// <summary>Where the files are served; the store's links are relative to it.</summary>
    public const string Route = "/files";

    public static IEndpointRouteBuilder MapFilesApi(this IEndpointRouteBuilder app)
    {
        // With a bucket, S3 serves the objects: nothing here.
        if (app.ServiceProvider.GetRequiredService<IOptions<StorageOptions>>().Value.UsesS3)
            return app;
        app.MapMethods($"{Route}/{{**key}}", [HttpMethods.Get, HttpMethods.Head], GetFileAsync).WithName("GetStoredFile")
            .WithSummary("A stored video, by the signed link a finished job answered with (GET or HEAD, ranges allowed).");
        return app;
    }

    internal static async Task<Results<PhysicalFileHttpResult, NotFound, ProblemHttpResult>> GetFileAsync(
        string? key,
        [FromQuery(Name = SignedLinks.ExpiresParameter)] string? expires,
        [FromQuery(Name = SignedLinks.SignatureParameter)] string? signature,
        [FromQuery(Name = SignedLinks.InlineParameter)] string? inline,
        IServedFiles files, HttpContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(key))
            return TypedResults.NotFound();
        var shown = inline == "1";
        // The signature is checked before the disk is: without one, a 200 or a 404 would tell which videos exist.
        switch (files.Check(key, expires, signature, shown))
        {
            case LinkCheck.Expired:
                return Refused("This link has expired: a fresh one comes with the job (GET /api/jobs/{id}) or by asking for the video again.");
            case LinkCheck.Invalid:
                return Refused("This link is not valid: use the link a finished job answered with, whole (with its expires and signature).");
        }
        if (await files.FindFileAsync(key, cancellationToken) is not { } file)
            return TypedResults.NotFound();
        if (!shown)
            return TypedResults.PhysicalFile(file.PhysicalPath, file.Description.ContentType, file.Description.FileName, enableRangeProcessing: true);
        // No download name given to the result: it would make the answer an attachment.
        context.Response.Headers.ContentDisposition = ObjectKeys.ContentDisposition(file.Description.FileName, inline: true);
        return TypedResults.PhysicalFile(file.PhysicalPath, file.Description.ContentType, enableRangeProcessing: true);
    }

    private static ProblemHttpResult Refused(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Link not valid");
}
