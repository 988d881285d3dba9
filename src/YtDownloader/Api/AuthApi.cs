namespace YtDownloader.Api;

/// <summary>Lets the page check a key: the API key guard answers 401 before this runs when the key is wrong.</summary>
public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/auth", () => TypedResults.NoContent())
            .WithName("CheckApiKey")
            .WithSummary("204 when the caller's API key is valid or none is needed, 401 otherwise.");
        return app;
    }
}
