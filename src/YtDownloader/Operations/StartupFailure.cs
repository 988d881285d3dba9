using Microsoft.Extensions.Options;

namespace YtDownloader.Operations;

/// <summary>
/// A configuration the service cannot start with (a bad option, a refused exposure, an unreachable database) ends the
/// process with exit code 1 and the reason alone on standard error: no stack trace, no abort signal, no core dump.
/// </summary>
public static class StartupFailure
{
    public const int ExitCode = 1;

    /// <summary>Runs the service; a configuration error is reported in words and gives exit code 1.</summary>
    public static int RunOrExplain(Action run)
    {
        try
        {
            run();
            return 0;
        }
        catch (Exception ex) when (Explain(ex) is { } reason)
        {
            Console.Error.WriteLine($"YtDownloader cannot start: {reason}");
            return ExitCode;
        }
    }

    /// <summary>
    /// The host logs a failed start (a hosted service that cannot open its database) with the whole stack trace before
    /// <see cref="RunOrExplain"/> explains it; only its critical messages (a background service stopping the host) stay.
    /// </summary>
    public static void LeaveStartFailuresToBeExplained(this ILoggingBuilder logging) =>
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

    /// <summary>
    /// Checks every option validated on start now, before the host starts: the host would log a failure there with
    /// its whole stack trace, where a configuration mistake deserves one paragraph.
    /// </summary>
    public static void ValidateConfiguration(this WebApplication app) =>
        app.Services.GetService<IStartupValidator>()?.Validate();

    /// <summary>The reason in words when the failure is the configuration's, else null (a bug keeps its trace).</summary>
    internal static string? Explain(Exception exception) => exception switch
    {
        OptionsValidationException options => string.Join(Environment.NewLine, options.Failures.Distinct()),
        YtDownloaderException { Category: ErrorCategory.NeedsConfiguration or ErrorCategory.InvalidInput or ErrorCategory.StorageFailed } ours => ours.Message,
        // Every failing option at once, so that one start tells all that is wrong.
        AggregateException aggregate when aggregate.InnerExceptions.Select(Explain).ToList() is var reasons && reasons.All(r => r is not null) =>
            string.Join(Environment.NewLine, reasons),
        _ => null,
    };
}
