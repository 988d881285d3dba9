using Microsoft.Extensions.Options;
using YtDownloader.Storage;

namespace YtDownloader.Jobs;

/// <summary>Uploads as background jobs: the store of every job (SQLite or PostgreSQL), and the runner that works through the queue.</summary>
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
            .Validate(o => o.LeaseDuration >= TimeSpan.FromSeconds(2), "Jobs:LeaseDuration must be at least 2 seconds (the lease is renewed a few times a second).")
            .Validate<IConfiguration, IOptions<StorageOptions>>(
                (_, configuration, storage) => !JobDatabase.IsPostgres(configuration.GetConnectionString(JobDatabase.Name)) || storage.Value.UsesS3,
                "The jobs are shared through PostgreSQL (ConnectionStrings:Jobs), but the videos would go to a local folder that the " +
                "other nodes cannot read. Configure a bucket (Storage:S3:Bucket) so that every node stores and serves the same " +
                "objects, or keep the jobs in SQLite (leave ConnectionStrings:Jobs unset) for a single node.")
            .ValidateOnStart();
        services.AddSingleton<JobSignals>();
        services.AddSingleton(JobDatabase.Open);
        services.AddSingleton<JobRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<JobRunner>());
    }
}

/// <summary>
/// Which engine holds the jobs, from <c>ConnectionStrings:Jobs</c>: a PostgreSQL connection string
/// (<c>Host=…;Database=…</c>), or a SQLite file as a path or <c>Data Source=…</c>; unset, the SQLite file at
/// <see cref="JobsOptions.DatabasePath"/>.
/// </summary>
public static class JobDatabase
{
    public const string Name = "Jobs";

    public static bool IsPostgres(string? connectionString) =>
        Keys(connectionString) is { } keys && (keys.ContainsKey("host") || keys.ContainsKey("server"));

    public static IJobStore Open(IServiceProvider services)
    {
        var configured = services.GetRequiredService<IConfiguration>().GetConnectionString(Name);
        if (IsPostgres(configured))
            return ActivatorUtilities.CreateInstance<PostgresJobStore>(services, configured!);
        var path = Keys(configured) is { } keys
            ? keys.GetValueOrDefault("data source") ?? keys.GetValueOrDefault("datasource")
            : configured;
        if (string.IsNullOrWhiteSpace(path))
            path = services.GetRequiredService<IOptions<JobsOptions>>().Value.DatabasePath;
        var root = services.GetRequiredService<IHostEnvironment>().ContentRootPath;
        return ActivatorUtilities.CreateInstance<SqliteJobStore>(services, Path.GetFullPath(Path.Combine(root, path)));
    }

    /// <summary>The keys of a connection string, lower-case; <see langword="null"/> for a bare path.</summary>
    private static Dictionary<string, string>? Keys(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString) || !connectionString.Contains('=', StringComparison.Ordinal))
            return null;
        var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return builder.Keys.Cast<string>().ToDictionary(k => k.ToLowerInvariant(), k => builder[k].ToString() ?? "");
    }
}
