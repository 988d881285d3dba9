using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using YtDownloader.Sources.Youtube.Player;

namespace YtDownloader.Sources.Youtube;

/// <summary>
/// Finds the current player version and keeps one prepared <see cref="PlayerScript"/> per version.
/// The JavaScript is only fetched when a response actually needs deciphering.
/// </summary>
internal sealed partial class PlayerScriptCache(
    HttpClient http, YoutubeOrigin origin, IOptions<YoutubeOptions> options, TimeProvider time, ILogger<PlayerScriptCache> logger)
    : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<PlayerScript>>> _scripts = new();
    private readonly SemaphoreSlim _versionLock = new(1, 1);
    // A reference, so that TryGetPrepared can read it outside the lock without a torn value.
    private volatile CurrentVersion? _current;

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
        _current is { } current && time.GetUtcNow() - current.FetchedAt < options.Value.PlayerVersionLifetime
        && _scripts.TryGetValue(current.Version, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully
            ? lazy.Value.Result
            : null;

    private async Task<string> GetCurrentVersionAsync(CancellationToken cancellationToken)
    {
        await _versionLock.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } current && time.GetUtcNow() - current.FetchedAt < options.Value.PlayerVersionLifetime)
                return current.Version;

            var iframeApi = await GetTextAsync("/iframe_api", cancellationToken);
            var match = PlayerVersionPattern().Match(iframeApi);
            if (!match.Success)
                throw new SourceFailedException("Could not find the player version in YouTube's iframe API.");
            _current = new CurrentVersion(match.Groups[1].Value, time.GetUtcNow());
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
        var started = time.GetTimestamp();
        var script = await Task.Run(() => PlayerScript.Load(javascript));
        logger.LogInformation("Prepared player {Version} in {Elapsed:F0} ms", version, time.GetElapsedTime(started).TotalMilliseconds);
        return script;
    }

    private Task<string> GetTextAsync(string pathAndQuery, CancellationToken cancellationToken) =>
        SourceCalls.RunAsync($"YouTube's player ({pathAndQuery})", () => http.GetStringAsync(origin.Resolve(pathAndQuery), cancellationToken), cancellationToken);

    public void Dispose()
    {
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
