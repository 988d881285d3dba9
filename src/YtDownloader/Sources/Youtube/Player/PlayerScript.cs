using System.Collections.Concurrent;
using Jint;

namespace YtDownloader.Sources.Youtube.Player;

/// <summary>
/// One version of YouTube's player JavaScript (base.js), running in a sandboxed Jint engine, answering the two
/// questions a stream URL needs: the signature for a <c>signatureCipher</c>'s <c>s</c>, and the transformed <c>n</c>
/// parameter (without which googlevideo throttles or refuses the download). Load once per player version, share the
/// instance between threads, dispose it when the version is retired: the engine holds 70 to 100 MB.
/// </summary>
internal sealed class PlayerScript : IDisposable
{
    // Signatures are unique per stream, so the caches are capped; starting over is cheaper than bookkeeping when a
    // miss costs about a millisecond.
    private const int MaxCachedAnswers = 10_000;

    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, string> _signatures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _nParameters = new(StringComparer.Ordinal);
    private Engine? _engine;
    private PlayerUrlBuilder? _urlBuilder;

    private PlayerScript(Engine engine, PlayerUrlBuilder urlBuilder, int? signatureTimestamp)
    {
        _engine = engine;
        _urlBuilder = urlBuilder;
        SignatureTimestamp = signatureTimestamp;
    }

    /// <summary>The signature timestamp (<c>sts</c>) of this player, to send with player requests; null if not found.</summary>
    public int? SignatureTimestamp { get; }

    /// <summary>Runs the player's definitions and finds its URL builder; takes about a second.</summary>
    /// <exception cref="PlayerScriptException">The script does not run here, or its URL builder cannot be found.</exception>
    public static PlayerScript Load(string javascript)
    {
        ArgumentException.ThrowIfNullOrEmpty(javascript);
        var prepared = PlayerScriptPreparer.Prepare(javascript);
        var engine = new Engine(options => options
            // Real players nest a few dozen calls deep; a limit of 0 or 1 breaks them.
            .LimitRecursion(64)
            // Each call into the engine gets the whole interval. Generous for loading, which runs the player's whole
            // top level: up to 2 s when cold on a busy two-core machine. A single answer takes milliseconds.
            .TimeoutInterval(TimeSpan.FromSeconds(10))
            // Loading executes about 10^5 statements and an answer a few thousand: ten times that is a runaway.
            .MaxStatements(1_000_000)
            // Measured per call, in bytes allocated; loading allocates under 128 MB.
            .LimitMemory(256L * 1024 * 1024));
        try
        {
            PlayerUrlBuilder.Run(() => engine.Execute(prepared.Code), "The player JavaScript failed while loading");
            var candidates = PlayerUrlBuilder.Run(
                () => engine.GetValue(PlayerScriptPreparer.CandidatesVariable), "The player JavaScript did not finish loading");
            var urlBuilder = PlayerUrlBuilder.Choose(engine, candidates, prepared.CandidateNames);
            return new PlayerScript(engine, urlBuilder, prepared.SignatureTimestamp);
        }
        catch
        {
            engine.Dispose();
            throw;
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

    public void Dispose()
    {
        lock (_gate)
        {
            _engine?.Dispose();
            // Let the engine go even if someone keeps this instance around.
            _engine = null;
            _urlBuilder = null;
        }
    }

    private string Answer(ConcurrentDictionary<string, string> cache, string input, Func<PlayerUrlBuilder, string, string> compute)
    {
        if (cache.TryGetValue(input, out var cached))
            return cached;
        string answer;
        // A Jint engine runs one thing at a time.
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_urlBuilder is null, this);
            answer = compute(_urlBuilder, input);
        }
        if (cache.Count >= MaxCachedAnswers)
            cache.Clear();
        cache[input] = answer;
        return answer;
    }
}
