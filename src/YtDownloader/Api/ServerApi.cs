using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using YtDownloader.Security;
using YtDownloader.Storage;

namespace YtDownloader.Api;

/// <summary>What the page needs to know about this server to word itself: where videos go, whether a key is needed.</summary>
public static class ServerApi
{
    public static IEndpointRouteBuilder MapServerApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/server", GetServer)
            .WithName("GetServer")
            .WithSummary("Where this server stores videos (s3 or local) and whether its API needs a key.");
        return app;
    }

    public static Ok<ServerResponse> GetServer(IOptions<StorageOptions> storage, IOptions<AuthOptions> auth) =>
        TypedResults.Ok(new ServerResponse(storage.Value.UsesS3 ? "s3" : "local", auth.Value.EffectiveKeys.Count > 0));
}

/// <param name="Store"><c>s3</c> (a bucket) or <c>local</c> (this server's folder).</param>
/// <param name="KeyRequired">Whether every <c>/api</c> call needs an API key.</param>
public sealed record ServerResponse(string Store, bool KeyRequired);
