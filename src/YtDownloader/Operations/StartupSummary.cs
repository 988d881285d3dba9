using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using YtDownloader.Jobs;
using YtDownloader.Security;
using YtDownloader.Storage;

namespace YtDownloader.Operations;

/// <summary>
/// One block in the log once the service listens: where to reach it, where the videos and the jobs are, and whether a
/// key is needed, so that whoever started it need not guess where their files went or why the page asks for a key.
/// </summary>
internal sealed class StartupSummary(
    IServer server, IHostApplicationLifetime lifetime, IOptions<StorageOptions> storage, IOptions<AuthOptions> auth, IJobStore jobs,
    ILogger<StartupSummary> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // The addresses are known once the server has started, after every hosted service's start.
        lifetime.ApplicationStarted.Register(() => logger.LogInformation("{Summary}", Describe()));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal string Describe()
    {
        var options = storage.Value;
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var keys = auth.Value.EffectiveKeys.Count;
        return new StringBuilder("YtDownloader is running.\n")
            .Append($"  Listening on: {string.Join(", ", addresses)}\n")
            .Append(options.UsesS3
                ? $"  Videos go to: S3 bucket {options.S3.Bucket}{(string.IsNullOrWhiteSpace(options.S3.ServiceUrl) ? "" : $" at {options.S3.ServiceUrl}")}, keys under {options.KeyPrefix}\n"
                : $"  Videos go to: the local folder {Path.GetFullPath(options.Local.Path)}\n")
            .Append($"  Jobs are in:  {jobs.Location}\n")
            .Append((keys, auth.Value.AllowAnonymous) switch
            {
                ( > 0, _) => $"  API key:      required ({keys} configured): the page asks for it once",
                (_, true) => "  API key:      none needed (anonymous access allowed on purpose)",
                _ => "  API key:      none needed, so the service answers this machine only",
            })
            .ToString();
    }
}

public static class StartupSummaryServices
{
    public static void AddStartupSummary(this IServiceCollection services) => services.AddHostedService<StartupSummary>();
}
