using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using YtDownloader.Sources.Youtube.Player;

namespace YtDownloader.Sources.Youtube;

/// <summary>
/// Finds the current player version and keeps one prepared <see cref="PlayerScript"/> per version.
/// The JavaScript is only fetched when a response actually needs deciphering. A version's engine is let go once it
/// has been idle for <see cref="YoutubeOptions.PlayerIdleTime"/> (checked every half of it); the current version
/// keeps its prepared code, so that its next question loads it again without fetching or parsing the player, and
/// any other version is forgotten.
/// </summary>
internal sealed partial class PlayerScriptCache : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<PlayerScript>>> _scripts = new();
    private readonly SemaphoreSlim _versionLock = new(1, 1);
    private readonly HttpClient _http;
    private readonly YoutubeOrigin _origin;
    private readonly IOptions<YoutubeOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PlayerScriptCache> _logger;
    private readonly ITimer _sweeper;
    // A reference, so that TryGetPrepared can read it outside the lock without a torn value.
    private volatile CurrentVersion? _current;

    public PlayerScriptCache(HttpClient http, YoutubeOrigin origin, IOptions<YoutubeOptions> options, TimeProvider time, ILogger<PlayerScriptCache> logger)
    {
        (_http, _origin, _options, _time, _logger) = (http, origin, options, time, logger);
        var period = options.Value.PlayerIdleTime / 2;
        _sweeper = time.CreateTimer(_ => ReleaseIdle(), null, period, period);
    }

    /// <summary>Versions whose engine is loaded now.</summary>
    public int LoadedCount => _scripts.Values.Count(lazy => Prepared(lazy)?.IsLoaded == true);

    public async Task<PlayerScript> GetCurrentAsync(CancellationToken cancellationToken)
    {
        var version = await GetCurrentVersionAsync(cancellationToken);
        var lazy = _scripts.GetOrAdd(version, v => new Lazy<Task<PlayerScript>>(() => LoadAsync(v)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (lazy.Value.IsFaulted)
        {
            // A failed download must not poison the version forever.
            _scripts.TryRemove(new(version, lazy));
            throw;
        }
    }

    /// <summary>The current player when it is already prepared, without fetching anything; null otherwise.</summary>
    public PlayerScript? TryGetPrepared() =>
        _current is { } current && _time.GetUtcNow() - current.FetchedAt < _options.Value.PlayerVersionLifetime
        && _scripts.TryGetValue(current.Version, out var lazy)
            ? Prepared(lazy)
            : null;

    private static PlayerScript? Prepared(Lazy<Task<PlayerScript>> lazy) =>
        lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully ? lazy.Value.Result : null;

    private void ReleaseIdle()
    {
        var idleTime = _options.Value.PlayerIdleTime;
        foreach (var (version, lazy) in _scripts)
        {
            if (Prepared(lazy) is not { } script)
                continue;
            var wasLoaded = script.IsLoaded;
            if (!script.ReleaseIfIdle(idleTime))
                continue;
            if (wasLoaded)
                _logger.LogInformation("Released the engine of player {Version}: idle for {IdleTime}", version, idleTime);
            // Not disposed: a caller may still hold it from when it was current, and it reloads if asked.
            if (version != _current?.Version)
                _scripts.TryRemove(new(version, lazy));
        }
    }

    private async Task<string> GetCurrentVersionAsync(CancellationToken cancellationToken)
    {
        await _versionLock.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } current && _time.GetUtcNow() - current.FetchedAt < _options.Value.PlayerVersionLifetime)
                return current.Version;

            var iframeApi = await GetTextAsync("/iframe_api", cancellationToken);
            var match = PlayerVersionPattern().Match(iframeApi);
            if (!match.Success)
                throw new SourceFailedException("Could not find the player version in YouTube's iframe API.");
            _current = new CurrentVersion(match.Groups[1].Value, _time.GetUtcNow());
            return match.Groups[1].Value;
        }
        finally
        {
            _versionLock.Release();
        }
    }

    private async Task<PlayerScript> LoadAsync(string version)
    {
        // Not tied to one caller's token: the prepared script serves every request for this version.
        var javascript = await GetTextAsync($"/s/player/{version}/player_ias.vflset/en_US/base.js", CancellationToken.None);
        var started = _time.GetTimestamp();
        var script = await Task.Run(() => PlayerScript.Load(javascript, _time));
        if (script.FallbackReason is { } reason)
            _logger.LogWarning("Player {Version} runs whole: its functions could not be extracted ({Reason})", version, reason);
        _logger.LogInformation("Prepared player {Version} ({Way}) in {Elapsed:F0} ms", version, script.Way, _time.GetElapsedTime(started).TotalMilliseconds);
        return script;
    }

    private Task<string> GetTextAsync(string pathAndQuery, CancellationToken cancellationToken) =>
        SourceCalls.RunAsync($"YouTube's player ({pathAndQuery})", () => _http.GetStringAsync(_origin.Resolve(pathAndQuery), cancellationToken), cancellationToken);

    public void Dispose()
    {
        _sweeper.Dispose();
        foreach (var lazy in _scripts.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
                lazy.Value.Result.Dispose();
        }
        _versionLock.Dispose();
    }

    private sealed record CurrentVersion(string Version, DateTimeOffset FetchedAt);

    // https://www.youtube.com/s/player/c9168c90/www-widgetapi.vflset/www-widgetapi.js, with or without escaped slashes
    [GeneratedRegex(@"/s\\?/player\\?/([0-9a-zA-Z_-]{6,})\\?/")]
    private static partial Regex PlayerVersionPattern();
}
