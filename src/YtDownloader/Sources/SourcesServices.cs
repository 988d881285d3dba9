using Microsoft.Extensions.Options;
using YtDownloader.Sources.Invidious;
using YtDownloader.Sources.Youtube;

namespace YtDownloader.Sources;

/// <summary>The sources of a video's metadata and stream URLs: YouTube's own clients, then Invidious instances.</summary>
public static class SourcesServices
{
    private const string YoutubeHttpClient = "youtube";
    private const string InvidiousHttpClient = "invidious";

    public static void AddSources(this IServiceCollection services)
    {
        services.AddOptions<YoutubeOptions>().BindConfiguration(YoutubeOptions.Section)
            .Validate(o => o.Origin.IsAbsoluteUri && o.Origin.Scheme is "http" or "https", "Youtube:Origin must be an http(s) URL.")
            .ValidateOnStart();
        services.AddOptions<InvidiousOptions>().BindConfiguration(InvidiousOptions.Section)
            .Validate(o => o.Instances.All(i => i.IsAbsoluteUri && i.Scheme is "http" or "https"), "Invidious:Instances must be http(s) URLs.")
            .ValidateOnStart();

        // Proxies come from the standard HTTP_PROXY / HTTPS_PROXY / NO_PROXY settings, which HttpClient honours by default.
        foreach (var name in (string[])[YoutubeHttpClient, InvidiousHttpClient])
        {
            services.AddHttpClient(name, c => c.Timeout = Timeout.InfiniteTimeSpan)
                .AddStandardResilienceHandler(o =>
                {
                    o.Retry.MaxRetryAttempts = 2;
                    o.Retry.Delay = TimeSpan.FromMilliseconds(300);
                    o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(15);
                    o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(45);
                    o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
                });
        }

        services.AddOptions<SourcesOptions>().BindConfiguration(SourcesOptions.Section)
            .Validate(o => o.CacheCapacity >= 1, "Sources:CacheCapacity must be at least 1.")
            .ValidateOnStart();
        services.AddSingleton<VideoInfoCache>();
        services.AddSingleton<YoutubeOrigin>();
        services.AddSingleton(sp => new InnerTubeClient(sp.CreateClient(YoutubeHttpClient), sp.GetRequiredService<YoutubeOrigin>()));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<PlayerScriptCache>(sp, sp.CreateClient(YoutubeHttpClient)));
        services.AddSingleton<YoutubeSource>();
        services.AddSingleton(sp => new BrowseClient(sp.CreateClient(YoutubeHttpClient), sp.GetRequiredService<YoutubeOrigin>()));
        services.AddSingleton(sp =>
        {
            var instances = sp.GetRequiredService<IOptions<InvidiousOptions>>().Value.Instances;
            IEnumerable<IVideoSource> chain =
            [
                sp.GetRequiredService<YoutubeSource>(),
                .. instances.Select(i => new InvidiousSource(sp.CreateClient(InvidiousHttpClient), WithTrailingSlash(i))),
            ];
            return ActivatorUtilities.CreateInstance<SourceChain>(sp, chain);
        });
        // Thumbnails are media, not API calls: a client of their own, without the API clients' replays.
        services.AddHttpClient(ThumbnailFetcher.HttpClientName);
        services.AddSingleton(sp => new ThumbnailFetcher(sp.GetRequiredService<SourceChain>(), sp.CreateClient(ThumbnailFetcher.HttpClientName)));
    }

    private static HttpClient CreateClient(this IServiceProvider services, string name) =>
        services.GetRequiredService<IHttpClientFactory>().CreateClient(name);

    private static Uri WithTrailingSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
