using YtDownloader.Api;
using YtDownloader.Jobs;
using YtDownloader.Operations;
using YtDownloader.Pipeline;
using YtDownloader.Security;
using YtDownloader.Sources;
using YtDownloader.Storage;

namespace YtDownloader;

public static class Extensions
{
    public const string DefaultUrls = "http://localhost:8080";

    public static void AddYtDownloader(this WebApplicationBuilder builder)
    {
        // Port 8080 on loopback unless --urls or ASPNETCORE_URLS says otherwise; other addresses need an API key (Auth).
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
            builder.WebHost.UseUrls(DefaultUrls);

        builder.Logging.LeaveStartFailuresToBeExplained();
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        // Every body is described at build time (Api/ApiJson.cs), in every build: the native one has no other way,
        // and with no reflection to fall back on here either, a body left out fails the tests, not a user's server.
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Clear();
            o.SerializerOptions.TypeInfoResolverChain.Add(ApiJson.Default);
        });
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ApiExceptionHandler.Complete);
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddReadinessChecks();
        services.AddOpenApiDocumentation();
        services.AddMetricsExport();
        services.AddStartupSummary();
        services.AddSecurity();

        services.AddSources();
        services.AddPipeline();
        services.AddStorage();
        services.AddJobs();
    }
}
