using Microsoft.Extensions.Options;
using YtDownloader.Sources.Invidious;
using YtDownloader.Sources.Youtube;
using YtDownloader.Sources.Youtube.Clients;
using YtDownloader.Sources.Youtube.Cookies;
using YtDownloader.Sources.Youtube.PoTokens;
using YtDownloader.Sources.YtDlp;

namespace YtDownloader.Sources;

/// <summary>The sources of a video's metadata and stream URLs: YouTube's own clients, yt-dlp when configured, then Invidious instances.</summary>
public static class SourcesServices
{
    private const string YoutubeHttpClient = "youtube";
    private const string InvidiousHttpClient = "invidious";
    private const string PoTokenHttpClient = "po-token-provider";

    public static void AddSources(this IServiceCollection services)
    {
        services.AddOptions<YoutubeOptions>().BindConfiguration(YoutubeOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<YoutubeOptions>, YoutubeOptionsValidator>();
        services.AddOptions<InvidiousOptions>().BindConfiguration(InvidiousOptions.Section)
            .Validate(o => o.Instances.All(i => i.IsAbsoluteUri && i.Scheme is "http" or "https"), "Invidious:Instances must be http(s) URLs.")
            .ValidateOnStart();

        // Proxies come from the standard HTTP_PROXY / HTTPS_PROXY / NO_PROXY settings, which HttpClient honours by default.
        foreach (var name in (string[])[YoutubeHttpClient, InvidiousHttpClient, PoTokenHttpClient])
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
        services.AddSingleton<SourceHealth>();
        services.AddSingleton<YoutubeOrigin>();
        services.AddSingleton(sp => ClientProfileSet.Load(sp.GetRequiredService<IOptions<YoutubeOptions>>().Value.ClientProfiles));
        services.AddSingleton<ClientOrder>();
        services.AddSingleton<YoutubeCookies>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<PoTokenProvider>(sp, sp.CreateClient(PoTokenHttpClient)));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<InnerTubeClient>(sp, sp.CreateClient(YoutubeHttpClient)));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<PlayerScriptCache>(sp, sp.CreateClient(YoutubeHttpClient)));
        services.AddSingleton<YoutubeSource>();
        services.AddOptions<YtDlpOptions>().BindConfiguration(YtDlpOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<YtDlpOptions>, YtDlpOptionsValidator>();
        services.AddSingleton<YtDlpSource>();
        services.AddSingleton(sp => new CaptionFetcher(sp.CreateClient(YoutubeHttpClient)));
        services.AddSingleton(sp => new BrowseClient(sp.CreateClient(YoutubeHttpClient), sp.GetRequiredService<YoutubeOrigin>()));
        services.AddSingleton(sp =>
        {
            var instances = sp.GetRequiredService<IOptions<InvidiousOptions>>().Value.Instances;
            var ytDlp = sp.GetRequiredService<IOptions<YtDlpOptions>>().Value;
            IVideoSource youtube = sp.GetRequiredService<YoutubeSource>();
            IVideoSource[] ours = !ytDlp.IsEnabled ? [youtube]
                : ytDlp.Order == YtDlpOrder.First ? [sp.GetRequiredService<YtDlpSource>(), youtube]
                : [youtube, sp.GetRequiredService<YtDlpSource>()];
            IEnumerable<IVideoSource> chain =
            [
                .. ours,
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
