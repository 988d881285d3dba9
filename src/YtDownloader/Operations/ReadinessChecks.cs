using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using CliWrap;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using YtDownloader.Jobs;
using YtDownloader.Pipeline;
using YtDownloader.Storage;

namespace YtDownloader.Operations;

/// <summary>
/// <c>/healthz</c> answers while the process lives (liveness); <c>/healthz/ready</c> answers 200 only when a job could
/// run now: the job store answers, the object store takes objects, ffmpeg is there. Each check has its own entry in the JSON.
/// </summary>
public static class ReadinessChecks
{
    public const string LivenessPath = "/healthz";
    public const string ReadinessPath = "/healthz/ready";
    private const string ReadyTag = "ready";

    public static void AddReadinessChecks(this IServiceCollection services) =>
        services.AddHealthChecks()
            .AddCheck<JobStoreCheck>("jobs", tags: [ReadyTag])
            .AddCheck<ObjectStoreCheck>("storage", tags: [ReadyTag])
            .AddCheck<FfmpegCheck>("ffmpeg", tags: [ReadyTag]);

    public static void MapReadinessChecks(this WebApplication app)
    {
        // Liveness runs no check: a slow bucket must not get a live process restarted.
        app.MapHealthChecks(LivenessPath, new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks(ReadinessPath, new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(ReadyTag),
            ResponseWriter = WriteJsonAsync,
        });
    }

    private static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var answer = new ReadinessAnswer(
            report.Status.ToString(),
            report.Entries.ToDictionary(e => e.Key, e => new ReadinessCheckAnswer(
                e.Value.Status.ToString(), e.Value.Description, Math.Round(e.Value.Duration.TotalMilliseconds, 1))));
        return JsonSerializer.SerializeAsync(context.Response.Body, answer, OperationsJson.Default.ReadinessAnswer, context.RequestAborted);
    }

    private sealed class JobStoreCheck(IJobStore store) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await store.FindAsync("readiness-probe", cancellationToken);
                return HealthCheckResult.Healthy("The job store answers.");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy($"The job store does not answer: {ex.Message}");
            }
        }
    }

    private sealed class ObjectStoreCheck(IVideoStore store) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await store.CheckAsync(cancellationToken);
                return HealthCheckResult.Healthy("The object store takes objects.");
            }
            catch (StorageException ex)
            {
                return HealthCheckResult.Unhealthy(ex.Message);
            }
        }
    }

    /// <summary>Runs <c>ffmpeg -version</c>, at most once a minute: a merge needs it, and it can be uninstalled under a running service.</summary>
    private sealed class FfmpegCheck(IOptions<FfmpegOptions> options, TimeProvider time) : IHealthCheck
    {
        private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
        private (HealthCheckResult Result, DateTimeOffset At)? _last;

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (_last is { } last && time.GetUtcNow() - last.At < Lifetime)
                return last.Result;
            HealthCheckResult result;
            try
            {
                var run = await Cli.Wrap(options.Value.Path).WithArguments("-version")
                    .WithValidation(CommandResultValidation.None).ExecuteAsync(cancellationToken);
                result = run.ExitCode == 0
                    ? HealthCheckResult.Healthy($"ffmpeg answers at \u201c{options.Value.Path}\u201d.")
                    : HealthCheckResult.Unhealthy($"ffmpeg at \u201c{options.Value.Path}\u201d exited with {run.ExitCode}.");
            }
            catch (Win32Exception)
            {
                result = HealthCheckResult.Unhealthy($"ffmpeg was not found at \u201c{options.Value.Path}\u201d: install it or set Ffmpeg__Path.");
            }
            _last = (result, time.GetUtcNow());
            return result;
        }
    }
}

/// <summary><c>/readyz</c>'s answer: the overall status and each check's, with its description and time.</summary>
internal sealed record ReadinessAnswer(string Status, IReadOnlyDictionary<string, ReadinessCheckAnswer> Checks);

internal sealed record ReadinessCheckAnswer(string Status, string? Description, double DurationMs);

/// <summary>The readiness answer, described at build time for the natively compiled service, in the web's camelCase.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ReadinessAnswer))]
internal sealed partial class OperationsJson : JsonSerializerContext;
