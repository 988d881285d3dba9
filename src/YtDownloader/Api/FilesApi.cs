using Microsoft.AspNetCore.Http.HttpResults;
using YtDownloader.Storage;

namespace YtDownloader.Api;

/// <summary>Serves the local store's objects back, since without a bucket there is no other place to fetch them.</summary>
public static class FilesApi
{
    public static IEndpointRouteBuilder MapFilesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet($"{LocalVideoStore.FilesRoute}/{{**key}}", GetFileAsync).WithName("GetStoredFile");
        return app;
    }

    internal static async Task<Results<PhysicalFileHttpResult, NotFound>> GetFileAsync(
        string key, IVideoStore store, CancellationToken cancellationToken)
    {
        if (store is not LocalVideoStore local || local.PathOf(key) is not { } path
            || await local.DescribeAsync(key, cancellationToken) is not { } description)
            return TypedResults.NotFound();
        return TypedResults.PhysicalFile(path, description.ContentType, description.FileName, enableRangeProcessing: true);
    }
}
