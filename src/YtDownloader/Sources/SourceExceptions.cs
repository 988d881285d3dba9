using System.Text.Json;

namespace YtDownloader.Sources;

/// <summary>Why YouTube will not play a video; each maps to what the user can do about it.</summary>
public enum UnavailableReason
{
    AgeRestricted,
    BotCheck,
    Private,
    Unavailable,
    MembersOnly,
    Live,
    Upcoming,

    /// <summary>Only a client whose streams need a PO token can play it, and no token provider is configured.</summary>
    PoTokenRequired,
}

/// <summary>The video exists as a request but cannot be downloaded: private, removed, age-restricted, live…</summary>
/// <param name="said">What the source answered, in its own words (status and reason), for a list of what each client said.</param>
public sealed class VideoUnavailableException(UnavailableReason reason, string message, string? said = null)
    : YtDownloaderException(
        reason switch
        {
            UnavailableReason.BotCheck => ErrorCategory.RefusedForNow,
            UnavailableReason.PoTokenRequired => ErrorCategory.NeedsConfiguration,
            _ => ErrorCategory.NotPlayable,
        },
        message)
{
    public override string? Title => Category switch
    {
        ErrorCategory.NeedsConfiguration => "The server needs configuring to download this video",
        ErrorCategory.NotPlayable => "Video cannot be downloaded",
        _ => null,
    };

    public UnavailableReason Reason { get; } = reason;

    /// <summary>What the source answered, briefly; the message when it said nothing shorter.</summary>
    public string Said { get; } = said ?? message;

    /// <summary>
    /// The most telling verdict among failures, if any says the video cannot be played: "only a PO-token client can
    /// play it" says the most, and "private" or "live" more than a generic "unavailable", which some clients answer for
    /// any video. A source that tried several clients is looked into.
    /// </summary>
    public static VideoUnavailableException? MostTelling(IEnumerable<Exception> failures) =>
        failures.SelectMany(e => e is AllClientsFailedException all ? all.Attempts.Select(a => (Exception)a.Error) : [e])
            .OfType<VideoUnavailableException>()
            .OrderBy(e => e.Reason switch { UnavailableReason.PoTokenRequired => 0, UnavailableReason.Unavailable => 2, _ => 1 })
            .FirstOrDefault();
}

/// <summary>
/// A source could not be reached or answered something that is not a usable response. <paramref name="unreachable"/>:
/// it did not answer at all (no connection, no answer in time), which its other clients would meet too.
/// </summary>
public sealed class SourceFailedException(string message, Exception? innerException = null, bool unreachable = false)
    : YtDownloaderException(ErrorCategory.UpstreamFailed, message, innerException)
{
    public override string Title => "YouTube could not be reached";

    public bool Unreachable { get; } = unreachable;
}

/// <summary>
/// Every source in the chain failed. When one said why the video cannot be played, that verdict leads and sets
/// the category; the message then says what each source answered.
/// </summary>
public sealed class AllSourcesFailedException(IReadOnlyList<(string Source, YtDownloaderException Error)> failures)
    : YtDownloaderException(
        VerdictOf(failures)?.Category ?? ErrorCategory.UpstreamFailed,
        (VerdictOf(failures) is { } verdict ? verdict.Message + " " : "No source could provide this video. ")
            + "Tried: " + string.Join(" ", failures.Select(f => $"{f.Source}: {SaidBy(f.Error)}")))
{
    public IReadOnlyList<(string Source, YtDownloaderException Error)> Failures { get; } = failures;

    /// <summary>The most telling verdict of a source that says the video itself cannot be played, if any did.</summary>
    public VideoUnavailableException? Unavailable => VerdictOf(Failures);

    public override string? Title => Unavailable is null ? "YouTube could not be reached" : Unavailable.Title;

    /// <summary>Each source tried and what it answered; for YouTube, each client.</summary>
    public override IReadOnlyDictionary<string, object?> Details => new Dictionary<string, object?>
    {
        ["tried"] = Failures.SelectMany(f => f.Error is AllClientsFailedException all
                ? all.Attempts.Select(a => new TriedSource(f.Source, a.Client, SaidBy(a.Error)))
                : [new TriedSource(f.Source, null, SaidBy(f.Error))])
            .ToArray(),
    };

    private static VideoUnavailableException? VerdictOf(IReadOnlyList<(string Source, YtDownloaderException Error)> failures) =>
        VideoUnavailableException.MostTelling(failures.Select(f => f.Error));

    private static string SaidBy(YtDownloaderException error) => error switch
    {
        AllClientsFailedException all => all.Tried,
        VideoUnavailableException unavailable => unavailable.Said,
        _ => error.Message,
    };
}

/// <summary>One source (and client) the service asked, and what it answered.</summary>
public sealed record TriedSource(string Source, string? Client, string Said);

/// <summary>
/// Every InnerTube client the YouTube source asked failed. The most telling verdict about the video leads (it sets
/// the category); then each client and what it said, so that an operator sees which client broke.
/// </summary>
public sealed class AllClientsFailedException(IReadOnlyList<(string Client, YtDownloaderException Error)> attempts)
    : YtDownloaderException(
        VideoUnavailableException.MostTelling(attempts.Select(a => a.Error))?.Category ?? ErrorCategory.UpstreamFailed,
        (VideoUnavailableException.MostTelling(attempts.Select(a => a.Error)) is { } verdict ? verdict.Message : "No YouTube client could provide this video.")
            + " " + TriedBy(attempts))
{
    public IReadOnlyList<(string Client, YtDownloaderException Error)> Attempts { get; } = attempts;

    public override string? Title => Category switch
    {
        ErrorCategory.UpstreamFailed => "YouTube could not be reached",
        ErrorCategory.RefusedForNow => null,
        _ => "Video cannot be downloaded",
    };

    /// <summary>"Clients tried: visionos (VISIONOS 1.02): …; tv (TVHTML5 …): …."</summary>
    public string Tried => TriedBy(Attempts);

    private static string TriedBy(IReadOnlyList<(string Client, YtDownloaderException Error)> attempts)
    {
        var tried = "Clients tried: " + string.Join("; ", attempts.Select(a => $"{a.Client}: {(a.Error is VideoUnavailableException u ? u.Said : a.Error.Message)}"));
        // Most answers are sentences already; a second full stop reads as a typo in the page's error.
        return tried.EndsWith('.') ? tried : tried + ".";
    }
}

/// <summary>A client profile (built in, or from <c>Youtube:ClientProfiles</c>) or the client order is wrong; found at start.</summary>
public sealed class ClientProfileException(string message) : YtDownloaderException(ErrorCategory.NeedsConfiguration, message);

/// <summary>The cookies file is not a Netscape <c>cookies.txt</c>. The message names the line, never a value.</summary>
public sealed class CookieFileException(int line, string reason)
    : YtDownloaderException(ErrorCategory.NeedsConfiguration, $"Line {line} of the cookies file is not a cookie: {reason}.")
{
    public int Line { get; } = line;
}

/// <summary>
/// The one translation of what a call to a source can throw into a <see cref="SourceFailedException"/> that says
/// which source failed and how: unreachable, malformed JSON, too slow. Cancellation by the caller passes through.
/// </summary>
internal static class SourceCalls
{
    /// <param name="who">The source as a sentence starts with it: "YouTube", "The instance", "The PO token provider".</param>
    public static async Task<T> RunAsync<T>(string who, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (HttpRequestException ex) when (ex.StatusCode is null)
        {
            throw new SourceFailedException($"{who} could not be reached{ThroughProxy()} ({ex.Message}).", ex, unreachable: true);
        }
        catch (HttpRequestException ex)
        {
            throw new SourceFailedException($"{who} could not be reached ({ex.Message}).", ex);
        }
        catch (JsonException ex)
        {
            throw new SourceFailedException($"{who} answered with malformed JSON.", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SourceFailedException($"{who} did not answer in time{ThroughProxy()}.", ex, unreachable: true);
        }
        catch (Polly.ExecutionRejectedException ex)
        {
            // The resilience handler's own timeouts and open circuit breaker.
            throw new SourceFailedException($"{who} did not answer in time{ThroughProxy()}, or failed too often just now ({ex.Message}).", ex, unreachable: true);
        }
    }

    /// <summary>
    /// " through the outgoing proxy (http://proxy:3128): check that it works" when one is configured, since a broken or
    /// slow proxy looks like an unreachable YouTube; its address only, never credentials in it.
    /// </summary>
    private static string ThroughProxy()
    {
        var configured = new[] { "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy" }
            .Select(Environment.GetEnvironmentVariable).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        if (configured is null)
            return "";
        var shown = Uri.TryCreate(configured.Contains("://", StringComparison.Ordinal) ? configured : "http://" + configured, UriKind.Absolute, out var proxy)
            ? $"{proxy.Scheme}://{proxy.Authority}"
            : "as configured";
        return $" through the outgoing proxy ({shown}): check that the proxy works";
    }
}

/// <summary>A playlist or channel cannot be listed: it does not exist (404), or is private or of a kind YouTube will not show (422).</summary>
public sealed class PlaylistUnavailableException(ErrorCategory category, string message)
    : YtDownloaderException(category, message)
{
    public override string Title => "Playlist cannot be listed";
}
