using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using YtDownloader.Api;
using YtDownloader.Jobs;
using YtDownloader.Pipeline;
using YtDownloader.Security;
using YtDownloader.Sources;
using YtDownloader.Sources.Invidious;
using YtDownloader.Sources.Youtube;
using YtDownloader.Storage;

namespace YtDownloader;

public static class Extensions
{
    private const string YoutubeHttpClient = "youtube";
    private const string InvidiousHttpClient = "invidious";
    public const string DefaultUrls = "http://localhost:8080";

    public static void AddYtDownloader(this WebApplicationBuilder builder)
    {
        // Port 8080 on loopback unless --urls or ASPNETCORE_URLS says otherwise; other addresses need an API key (Auth).
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
            builder.WebHost.UseUrls(DefaultUrls);

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            // The original upload endpoint's clients read these two fields.
            c.ProblemDetails.Extensions["success"] = false;
            c.ProblemDetails.Extensions["error"] = c.ProblemDetails.Detail ?? c.ProblemDetails.Title;
        });
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddHealthChecks();
        services.AddSecurity();

        services.AddSources();
        services.AddPipeline();
        services.AddStorage();
        services.AddJobs();
    }

    private static void AddSources(this IServiceCollection services)
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
        // Thumbnails are media, not API calls: the media client, without the API clients' replays.
        services.AddSingleton(sp => new ThumbnailFetcher(sp.GetRequiredService<SourceChain>(), sp.CreateClient(MediaFetcher.HttpClientName)));
    }

    private static void AddPipeline(this IServiceCollection services)
    {
        services.AddOptions<PipelineOptions>().BindConfiguration(PipelineOptions.Section)
            .Validate(o => o.ChunkSize is >= 64 * 1024 and <= 64 * 1024 * 1024, "Pipeline:ChunkSize must be between 64 KiB and 64 MiB.")
            .Validate(o => o.MaxRetries >= 0, "Pipeline:MaxRetries must not be negative.")
            .Validate(o => o.ParallelRanges is >= 1 and <= 16, "Pipeline:ParallelRanges must be between 1 and 16.")
            .Validate(o => o.IdleTimeout > TimeSpan.Zero, "Pipeline:IdleTimeout must be positive.")
            .ValidateOnStart();
        services.AddOptions<FfmpegOptions>().BindConfiguration(FfmpegOptions.Section);

        // Our own retries and resumes handle media: no resilience handler that would replay whole chunks blindly.
        services.AddHttpClient(MediaFetcher.HttpClientName, c => c.Timeout = TimeSpan.FromMinutes(2))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(15),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<MediaFetcher>(sp, sp.CreateClient(MediaFetcher.HttpClientName)));
        services.AddSingleton<MuxFeedServer>();
        services.AddSingleton<FfmpegMuxer>();
        services.AddSingleton<VideoPipeline>();
    }

    private static void AddStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section)
            .Validate(o => o.S3.PartSize >= 5 * 1024 * 1024, "Storage:S3:PartSize must be at least 5 MiB (S3's minimum part size).")
            .Validate(o => o.S3.ParallelParts is >= 1 and <= 64, "Storage:S3:ParallelParts must be between 1 and 64.")
            .ValidateOnStart();

        services.AddSingleton<IAmazonS3>(sp =>
        {
            var s3 = sp.GetRequiredService<IOptions<StorageOptions>>().Value.S3;
            var config = new AmazonS3Config
            {
                ForcePathStyle = s3.ForcePathStyle,
                AuthenticationRegion = s3.Region,
                // S3-compatible stores (Ceph, MinIO, R2) reject the SDK's default flexible checksums on UploadPart.
                RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
                ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            };
            if (string.IsNullOrWhiteSpace(s3.ServiceUrl))
                config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(s3.Region);
            else
                config.ServiceURL = s3.ServiceUrl;
            // Explicit keys when configured, else the standard chain: environment, ~/.aws/credentials, instance roles.
            return string.IsNullOrEmpty(s3.SecretAccessKey)
                ? new AmazonS3Client(config)
                : new AmazonS3Client(new BasicAWSCredentials(s3.AccessKeyId, s3.SecretAccessKey), config);
        });
        services.AddSingleton<AbandonedUploads>();
        services.AddHostedService(sp => sp.GetRequiredService<AbandonedUploads>());
        services.AddSingleton<LocalVideoStore>();
        services.AddSingleton<IVideoStore>(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value.UsesS3
            ? ActivatorUtilities.CreateInstance<S3VideoStore>(sp)
            : sp.GetRequiredService<LocalVideoStore>());
    }

    private static void AddJobs(this IServiceCollection services)
    {
        services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.Section)
            .Validate(o => o.MaxConcurrent is >= 1 and <= 64, "Jobs:MaxConcurrent must be between 1 and 64.")
            .Validate(o => o.MaxQueued >= 0, "Jobs:MaxQueued must not be negative.")
            .Validate(o => o.MaxAttempts >= 1, "Jobs:MaxAttempts must be at least 1.")
            .Validate(o => o.Timeout > TimeSpan.Zero, "Jobs:Timeout must be positive.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.DatabasePath), "Jobs:DatabasePath must be set.")
            .ValidateOnStart();
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<JobRunner>());
    }

    private static HttpClient CreateClient(this IServiceProvider services, string name) =>
        services.GetRequiredService<IHttpClientFactory>().CreateClient(name);

    private static Uri WithTrailingSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
