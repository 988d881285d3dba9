namespace YtDownloader.Jobs;

/// <summary>Uploads as background jobs: the store of every job, and the runner that works through the queue.</summary>
public static class JobsServices
{
    public static void AddJobs(this IServiceCollection services)
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
}
