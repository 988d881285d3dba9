using System.Collections.Concurrent;
using Jint;

namespace YtDownloader.Sources.Youtube.Player;

/// <summary>
/// One version of YouTube's player JavaScript (base.js), answering the two questions a stream URL needs: the signature
/// for a <c>signatureCipher</c>'s <c>s</c>, and the transformed <c>n</c> parameter (without which googlevideo throttles
/// or refuses the download). It keeps the prepared code (only the functions it needs, <see cref="PlayerFunctionExtractor"/>,
/// or the whole player where that fails) and runs it in a sandboxed Jint engine that is loaded on demand and let go by
/// <see cref="ReleaseIfIdle"/>: a warm version comes back in a fraction of a second, without the player's download
/// or its parse. Share one instance between threads; dispose it when the version is retired.
/// </summary>
internal sealed class PlayerScript : IDisposable
{
    // Signatures are unique per stream, so the caches are capped; starting over is cheaper than bookkeeping when a
    // miss costs about a millisecond.
    private const int MaxCachedAnswers = 10_000;

    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, string> _signatures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _nParameters = new(StringComparer.Ordinal);
    private readonly PreparedPlayerScript _prepared;
    private readonly int _builderIndex;
    private readonly TimeProvider _time;
    private Engine? _engine;
    private PlayerUrlBuilder? _urlBuilder;
    private long _lastUsed;
    private bool _disposed;

    private PlayerScript(PreparedPlayerScript prepared, Engine engine, PlayerUrlBuilder urlBuilder, int builderIndex, TimeProvider time, string? fallbackReason)
    {
        _prepared = prepared;
        _engine = engine;
        _urlBuilder = urlBuilder;
        _builderIndex = builderIndex;
        _time = time;
        _lastUsed = time.GetTimestamp();
        FallbackReason = fallbackReason;
    }

    /// <summary>The signature timestamp (<c>sts</c>) of this player, to send with player requests; null if not found.</summary>
    public int? SignatureTimestamp => _prepared.SignatureTimestamp;

    /// <summary>How this player's functions run: extracted, or the whole player when extracting them failed.</summary>
    public PlayerScriptWay Way => _prepared.Way;

    /// <summary>Why the extracted functions were not used (the probe's complaint), when <see cref="Way"/> is the whole player by fallback.</summary>
    public string? FallbackReason { get; }

    /// <summary>Whether an engine is loaded now (it is loaded again on the next uncached question).</summary>
    public bool IsLoaded
    {
        get
        {
            lock (_gate)
                return _engine is not null;
        }
    }

    /// <summary>
    /// Prepares the player and checks it with a probe signature and <c>n</c>: the extracted functions first, the whole
    /// player when they fail (<paramref name="way"/> forces one, for comparing them).
    /// </summary>
    /// <exception cref="PlayerScriptException">The script does not run here, or its URL builder cannot be found.</exception>
    public static PlayerScript Load(string javascript, TimeProvider? time = null, PlayerScriptWay? way = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(javascript);
        time ??= TimeProvider.System;
        var parsed = PlayerScriptPreparer.Parse(javascript);
        if (way is PlayerScriptWay.WholePlayer)
            return Start(PlayerScriptPreparer.WholePlayer(parsed), time, fallbackReason: null);
        try
        {
            return Start(PlayerFunctionExtractor.Extract(parsed), time, fallbackReason: null);
        }
        catch (PlayerScriptException ex) when (way is null)
        {
            return Start(PlayerScriptPreparer.WholePlayer(parsed), time, fallbackReason: ex.Message);
        }
    }

    /// <summary>Deciphers the <c>s</c> of a <c>signatureCipher</c> into the value for its <c>sp</c> parameter.</summary>
    /// <exception cref="PlayerScriptException">The player failed to decipher it.</exception>
    public string DecipherSignature(string s)
    {
        ArgumentException.ThrowIfNullOrEmpty(s);
        return Answer(_signatures, s, static (builder, input) => builder.Decipher(input));
    }

    /// <summary>Transforms the throttling parameter <c>n</c> of a stream URL.</summary>
    /// <exception cref="PlayerScriptException">The player failed to transform it.</exception>
    public string TransformN(string n)
    {
        ArgumentException.ThrowIfNullOrEmpty(n);
        return Answer(_nParameters, n, static (builder, input) => builder.TransformN(input));
    }

    /// <summary>
    /// Lets the engine and the cached answers go when nothing was asked of the engine for <paramref name="idleTime"/>;
    /// the prepared code stays. True when no engine is loaded afterwards.
    /// </summary>
    public bool ReleaseIfIdle(TimeSpan idleTime)
    {
        lock (_gate)
        {
            if (_engine is not null && _time.GetElapsedTime(_lastUsed) >= idleTime)
                Release();
            return _engine is null;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            Release();
            _disposed = true;
        }
    }

    private static PlayerScript Start(PreparedPlayerScript prepared, TimeProvider time, string? fallbackReason)
    {
        var engine = CreateEngine();
        try
        {
            var candidates = Run(engine, prepared);
            var (urlBuilder, index) = PlayerUrlBuilder.Choose(engine, candidates, prepared.CandidateNames);
            return new PlayerScript(prepared, engine, urlBuilder, index, time, fallbackReason);
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    private static Engine CreateEngine() => new(options => options
        // Real players nest a few dozen calls deep; a limit of 0 or 1 breaks them.
        .LimitRecursion(64)
        // Each call into the engine gets the whole interval. Generous for loading, which runs the player's whole
        // top level: up to 2 s when cold on a busy two-core machine. A single answer takes milliseconds.
        .TimeoutInterval(TimeSpan.FromSeconds(10))
        // Loading the whole player executes about 10^5 statements and an answer a few thousand: ten times that is a runaway.
        .MaxStatements(1_000_000)
        // Measured per call, in bytes allocated; loading the whole player allocates under 128 MB.
        .LimitMemory(256L * 1024 * 1024));

    /// <summary>Runs the prepared code; answers the candidate URL builders it leaves behind.</summary>
    private static Jint.Native.JsValue Run(Engine engine, PreparedPlayerScript prepared)
    {
        PlayerUrlBuilder.Run(() => engine.Execute(prepared.Code), "The player JavaScript failed while loading");
        return PlayerUrlBuilder.Run(
            () => engine.GetValue(PlayerScriptPreparer.CandidatesVariable), "The player JavaScript did not finish loading");
    }

    private string Answer(ConcurrentDictionary<string, string> cache, string input, Func<PlayerUrlBuilder, string, string> compute)
    {
        if (cache.TryGetValue(input, out var cached))
            return cached;
        string answer;
        // A Jint engine runs one thing at a time.
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            answer = compute(_urlBuilder ?? Reload(), input);
            _lastUsed = _time.GetTimestamp();
        }
        if (cache.Count >= MaxCachedAnswers)
            cache.Clear();
        cache[input] = answer;
        return answer;
    }

    /// <summary>The engine again, from the code prepared at load time; the builder that passed the probe then is trusted.</summary>
    private PlayerUrlBuilder Reload()
    {
        var engine = CreateEngine();
        try
        {
            var candidates = Run(engine, _prepared);
            _urlBuilder = new PlayerUrlBuilder(engine, PlayerUrlBuilder.Run(() => candidates.Get(_builderIndex), "The player did not expose its URL builder"));
            _engine = engine;
            return _urlBuilder;
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    private void Release()
    {
        _engine?.Dispose();
        _engine = null;
        _urlBuilder = null;
        _signatures.Clear();
        _nParameters.Clear();
    }
}
