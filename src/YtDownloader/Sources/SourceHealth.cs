using System.Collections.Concurrent;

namespace YtDownloader.Sources;

/// <summary>What a source (or one of its clients) did the last time it was asked.</summary>
public enum SourceOutcome
{
    /// <summary>It gave the video.</summary>
    Ok,

    /// <summary>It answered, and would not play the video: private, a bot check, a token needed…</summary>
    Refused,

    /// <summary>It could not be reached, timed out, or answered something unusable.</summary>
    Failed,
}

/// <summary>One source's or client's record, as <c>GET /api/sources</c> shows it.</summary>
/// <param name="Outcome">Null while it has not been asked since the start.</param>
/// <param name="Clients">For a source with several clients (YouTube), each client's own record; else empty.</param>
public sealed record SourceHealthEntry(
    string Name,
    SourceOutcome? Outcome,
    string? Reason,
    DateTimeOffset? At,
    DateTimeOffset? LastSuccessAt,
    long Successes,
    long Failures,
    IReadOnlyList<SourceHealthEntry> Clients);

/// <summary>
/// The last outcome of every source and client, with counts, so that when YouTube changes what it accepts an
/// operator sees which client broke without reading logs. A client that starts failing is logged once, at
/// warning level, when it goes from working to failing, not on every failure.
/// </summary>
public sealed class SourceHealth(TimeProvider time, ILogger<SourceHealth> logger)
{
    private readonly ConcurrentDictionary<string, Tally> _sources = new();
    private readonly ConcurrentDictionary<(string Source, string Client), Tally> _clients = new();

    /// <summary>Runs one lookup of a source, or of one client of it, and records how it went.</summary>
    public async Task<T> TrackAsync<T>(string source, string? client, Func<Task<T>> lookUp)
    {
        T result;
        try
        {
            result = await lookUp();
        }
        catch (YtDownloaderException ex)
        {
            Record(source, client, ex);
            throw;
        }
        Record(source, client, null);
        return result;
    }

    /// <summary>Every source, in the chain's order, whether or not it has been asked yet, each with the clients it has used.</summary>
    public IReadOnlyList<SourceHealthEntry> Report(IEnumerable<string> sources) =>
        sources.Select(source => _sources.GetValueOrDefault(source, Tally.Never).Snapshot(
            source,
            _clients.Where(c => c.Key.Source == source).OrderBy(c => c.Key.Client, StringComparer.Ordinal)
                .Select(c => c.Value.Snapshot(c.Key.Client, [])).ToList())).ToList();

    private void Record(string source, string? client, YtDownloaderException? error)
    {
        var tally = client is null ? _sources.GetOrAdd(source, _ => new Tally()) : _clients.GetOrAdd((source, client), _ => new Tally());
        var change = tally.Add(error, time.GetUtcNow());
        var who = client is null ? source : $"{source} {client}";
        if (change is { StartedFailing: true })
            logger.LogWarning("{Source} started failing ({Successes} successes, {Failures} failures so far): {Reason}",
                who, change.Successes, change.Failures, error!.Message);
        else if (change is { Recovered: true })
            logger.LogInformation("{Source} works again ({Successes} successes, {Failures} failures so far)", who, change.Successes, change.Failures);
    }

    /// <summary>
    /// A refusal that says the server must be configured (a bot check, a token) counts as failing, like an error;
    /// one that is about the video (private, live) does not: the client works, the video is not for anyone.
    /// </summary>
    private static bool IsFailing(YtDownloaderException error) => error.Category is not ErrorCategory.NotPlayable;

    private static SourceOutcome OutcomeOf(YtDownloaderException error) =>
        error.Category is ErrorCategory.NotPlayable or ErrorCategory.NeedsConfiguration or ErrorCategory.RefusedForNow ? SourceOutcome.Refused : SourceOutcome.Failed;

    private sealed record Change(bool StartedFailing, bool Recovered, long Successes, long Failures);

    private sealed class Tally
    {
        public static readonly Tally Never = new();

        private readonly Lock _lock = new();
        private SourceOutcome? _outcome;
        private string? _reason;
        private DateTimeOffset? _at;
        private DateTimeOffset? _lastSuccessAt;
        private long _successes;
        private long _failures;
        private bool _failing;

        public Change Add(YtDownloaderException? error, DateTimeOffset now)
        {
            lock (_lock)
            {
                var wasFailing = _failing;
                _at = now;
                if (error is null)
                {
                    (_outcome, _reason, _lastSuccessAt, _failing) = (SourceOutcome.Ok, null, now, false);
                    _successes++;
                }
                else
                {
                    (_outcome, _reason) = (OutcomeOf(error), error.Message);
                    _failing |= IsFailing(error); // a video's own refusal neither starts nor ends a failing streak
                    _failures++;
                }
                return new Change(!wasFailing && _failing, wasFailing && !_failing, _successes, _failures);
            }
        }

        public SourceHealthEntry Snapshot(string name, IReadOnlyList<SourceHealthEntry> clients)
        {
            lock (_lock)
                return new SourceHealthEntry(name, _outcome, _reason, _at, _lastSuccessAt, _successes, _failures, clients);
        }
    }
}
