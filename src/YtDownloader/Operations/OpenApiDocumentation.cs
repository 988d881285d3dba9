using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace YtDownloader.Operations;

/// <summary>
/// The API described as OpenAPI at <c>/openapi/v1.json</c> and browsable at <c>/api/docs</c>, both behind the API key
/// when keys are set. Every API answer can also be a problem (401 without a key, 429 over a rate limit, 500): those are
/// added to each operation here, so an endpoint declares only the problems of its own.
/// </summary>
public static class OpenApiDocumentation
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/api/docs";

    // The reference page loads the document relative to itself (/api/docs/): two levels up is the root.
    private const string DocumentFromReference = "../.." + DocumentPath;

    private static readonly (int Status, string Description)[] CommonProblems =
    [
        (StatusCodes.Status401Unauthorized, "An API key is configured and the request has none or a wrong one."),
        (StatusCodes.Status429TooManyRequests, "A rate limit was reached; Retry-After says when to try again."),
        (StatusCodes.Status500InternalServerError, "An unexpected error; it was logged."),
    ];

    public static void AddOpenApiDocumentation(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "YtDownloader",
                    Version = "v1",
                    Description = "Takes a YouTube link, lists its qualities, and stores the chosen one as an MP4 in S3 or a local folder. "
                        + "Errors are application/problem+json with a detail a person can act on.",
                };
                // Links are never built from a request's Host header (it can be anyone's name pointed at this server).
                document.Servers = [];
                return Task.CompletedTask;
            });
            o.AddOperationTransformer(AddCommonProblems);
        });

    public static void MapOpenApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath);
        app.MapScalarApiReference(ReferencePath, o =>
        {
            // Everything from this server: no fonts from a CDN, no telemetry, a nonce for its inline start-up script.
            o.WithTitle("YtDownloader API").WithOpenApiRoutePattern(DocumentFromReference).DisableDefaultFonts().WithNonce();
            o.Telemetry = false;
        }).AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            http.Response.OnStarting(() =>
            {
                if (http.Items[ScalarOptions.NonceHttpContextItemKey] is string nonce)
                    http.Response.Headers.ContentSecurityPolicy = ReferencePolicy(nonce);
                return Task.CompletedTask;
            });
            return await next(context);
        });
    }

    /// <summary>The page's policy, loosened only as the reference needs: its start-up script by nonce, its generated styles.</summary>
    private static string ReferencePolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        + "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";

    private static async Task AddCommonProblems(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Responses ??= new OpenApiResponses();
        var problem = await context.GetOrCreateSchemaAsync(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), cancellationToken: cancellationToken);
        foreach (var (status, description) in CommonProblems)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses.ContainsKey(key))
                continue;
            operation.Responses[key] = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = problem },
                },
            };
        }
    }
}
