namespace YtDownloader.Pipeline;

/// <summary>The way from chosen streams to a stored object: ranged fetch, the merge (ours or ffmpeg's), the streaming upload.</summary>
public static class PipelineServices
{
    public static void AddPipeline(this IServiceCollection services)
    {
        services.AddOptions<PipelineOptions>().BindConfiguration(PipelineOptions.Section)
            .Validate(o => o.ChunkSize is >= 64 * 1024 and <= 64 * 1024 * 1024, "Pipeline:ChunkSize must be between 64 KiB and 64 MiB.")
            .Validate(o => o.MaxRetries >= 0, "Pipeline:MaxRetries must not be negative.")
            .Validate(o => o.ParallelRanges is >= 1 and <= 16, "Pipeline:ParallelRanges must be between 1 and 16.")
            .Validate(o => o.IdleTimeout > TimeSpan.Zero, "Pipeline:IdleTimeout must be positive.")
            .ValidateOnStart();
        services.AddOptions<VideoLimitsOptions>().BindConfiguration(VideoLimitsOptions.Section)
            .Validate(o => o.MaxDurationMinutes > 0 && o.MaxBytes > 0, "Limits:MaxDurationMinutes and Limits:MaxBytes must be positive.")
            .ValidateOnStart();
        services.AddSingleton<VideoLimits>();
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
        services.AddSingleton<Mp4.Mp4Merger>();
        services.AddSingleton<VideoPipeline>();
    }

    private static HttpClient CreateClient(this IServiceProvider services, string name) =>
        services.GetRequiredService<IHttpClientFactory>().CreateClient(name);
}
