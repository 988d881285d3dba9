using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace YtDownloader.Security;

public sealed class CorsSettings
{
    public const string Section = "Cors";

    /// <summary>Browser origins allowed to call the API from their own pages, e.g. <c>https://tools.example</c>. None by default.</summary>
    public List<string> Origins { get; set; } = [];
}

/// <summary>Access control, limits and headers: what makes an instance safe to expose.</summary>
public static class SecurityExtensions
{
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    public static void AddSecurity(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, ListenAddressValidator>();
        services.AddOptions<ServerOptions>().BindConfiguration(ServerOptions.Section)
            .Validate(o => o.PublicBaseUrl is null || (o.PublicBaseUrl.IsAbsoluteUri && o.PublicBaseUrl.Scheme is "http" or "https"),
                "Server:PublicBaseUrl must be an http(s) URL, e.g. https://videos.example.")
            .ValidateOnStart();
        // HostGuard reads AllowedHosts itself (loopback only without a key): the framework's own filter, which would
        // answer a bare 400 first and accept any host when the setting is *, stands aside.
        services.PostConfigure<HostFilteringOptions>(o => o.AllowedHosts = ["*"]);
        services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section)
            .Validate(o => o.MaxRequestBodyBytes >= 1024, "Limits:MaxRequestBodyBytes must be at least 1024.")
            .Validate(o => o.MetadataRequests > 0 && o.JobRequests > 0 && o.RateLimitWindow > TimeSpan.Zero,
                "Limits:MetadataRequests, Limits:JobRequests and Limits:RateLimitWindow must be positive.")
            .Validate(o => o.MaxPlaylistVideos is >= 1 and <= 10_000, "Limits:MaxPlaylistVideos must be between 1 and 10000.")
            .ValidateOnStart();
        services.AddRateLimiter(RateLimitPolicies.Configure);
        services.AddSingleton<JobRequestBudget>();

        services.AddOptions<CorsSettings>().BindConfiguration(CorsSettings.Section);
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<CorsSettings>>((cors, settings) =>
        {
            // No policy at all unless origins are configured: then browsers on other sites get no CORS headers.
            if (settings.Value.Origins.Count > 0)
                cors.AddDefaultPolicy(p => p.WithOrigins([.. settings.Value.Origins])
                    .WithMethods("GET", "POST", "DELETE")
                    .WithHeaders("Authorization", "Content-Type", ApiKeyMiddleware.KeyHeader)
                    .WithExposedHeaders("Retry-After", "Location"));
        });

        // Malformed JSON and wrong types become exceptions the API's handler turns into a 400 with the reason,
        // in every environment, instead of a bare 400 in production.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestLineSize = RequestText.KestrelRequestLineLimit);

        services.AddSingleton<OutboundPolicy>();
        services.AddSingleton<IHttpMessageHandlerBuilderFilter, OutboundPolicyFilter>();
    }

    /// <summary>Headers, the host check, request text, CORS, API keys, body limits and rate limits, in that order, before any endpoint.</summary>
    public static void UseSecurity(this WebApplication app)
    {
        app.Use(AddSecurityHeaders);
        app.UseMiddleware<HostGuard>();
        app.Use(RequestText.RefuseLongTargetsAsync);
        app.Use(RequestText.RefuseControlCharactersAsync);
        app.UseCors();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.Use(LimitRequestBodyAsync);
        app.Use(RequestText.RequireUtf8BodiesAsync);
        app.UseRateLimiter();
    }

    private static Task AddSecurityHeaders(HttpContext context, RequestDelegate next)
    {
        // At the last moment, so that error responses, whose headers the exception handler clears, carry them too.
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            // An endpoint that needs its own policy (the API reference) has set it by now: callbacks run last-registered first.
            if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            return Task.CompletedTask;
        });
        return next(context);
    }

    private static async Task LimitRequestBodyAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments(ApiKeyMiddleware.ApiPrefix))
        {
            await next(context);
            return;
        }
        var limit = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            await context.WriteProblemAsync(StatusCodes.Status413PayloadTooLarge, "Request too large",
                $"The request body is too large: the API takes small JSON documents only (at most {limit} bytes).");
            return;
        }
        // A chunked body announces no length: Kestrel stops reading it at the limit instead.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
            bodySize.MaxRequestBodySize = limit;
        await next(context);
    }

    /// <summary>Answers from middleware in the same problem+json shape as the API's own errors.</summary>
    internal static async Task WriteProblemAsync(this HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
