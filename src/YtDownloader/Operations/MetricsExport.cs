using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using YtDownloader.Security;

namespace YtDownloader.Operations;

public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>
    /// Whether <c>/metrics</c> answers. Unset: only when the service listens on loopback alone, since the figures tell
    /// anyone how much it is used; set it to true to let a scraper on another machine read them.
    /// </summary>
    public bool? Enabled { get; set; }
}

/// <summary>
/// <c>/metrics</c> in the Prometheus text format: the service's own instruments (<see cref="ServiceMetrics"/>), ASP.NET
/// Core's and the runtime's. Outside <c>/api</c> on purpose: scrapers rarely carry API keys.
/// </summary>
public static class MetricsExport
{
    public const string Path = "/metrics";
    private const int MostTagCombinations = 500;

    public static void AddMetricsExport(this IServiceCollection services)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section);
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ServiceMetrics.MeterName)
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            // Each metric stream allocates its points up front, 2,000 by default: 7 MB of the large object heap in
            // all, held for the life of the process. A stream here sees a few dozen tag combinations (a route, a
            // method, a status code); past the limit a combination is counted under otel.metric.overflow.
            .AddView("*", new MetricStreamConfiguration { CardinalityLimit = MostTagCombinations })
            // Every scrape reads the instruments as they are: a cached answer would hide a job that just ended.
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
    }

    public static void MapMetricsExport(this WebApplication app)
    {
        var enabled = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.Enabled
            ?? ListenAddressValidator.ConfiguredListenUrls(app.Configuration).All(ListenAddressValidator.IsLoopback);
        if (enabled)
            app.MapPrometheusScrapingEndpoint(Path);
    }
}
