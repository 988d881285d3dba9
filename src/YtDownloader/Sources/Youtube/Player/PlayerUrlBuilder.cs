using Acornima;
using Jint;
using Jint.Native;
using Jint.Native.Object;

namespace YtDownloader.Sources.Youtube.Player;

/// <summary>
/// The player's own stream-URL builder, running in <paramref name="engine"/>, called the way the player calls it for a
/// ciphered format: <c>builder(url, sp, s)</c> deciphers <c>s</c> into the <c>sp</c> parameter and returns a URL
/// object whose URL class transforms <c>n</c> when the URL is first read. Not thread-safe, like the engine.
/// </summary>
internal sealed class PlayerUrlBuilder(Engine engine, JsValue function)
{
    // The name we ask the builder to put the signature under; callers use their format's own `sp`.
    private const string SignatureParameter = "sig";

    // The player's URL class only parses (and so only transforms n in) URLs it trusts: a googlevideo host will do.
    private const string StreamUrl = "https://rr1---sn-ytdl.googlevideo.com/videoplayback?expire=1";

    // Inputs shaped like real ones, for checking at load time that a candidate really is the builder.
    private const string ProbeSignature =
        "AOq0QJ8wRQIhAKzp3yfcGUdhBvEM0nVgTi7Sj5qLbWrXaD2o8Hx6YPuIAiBF1ctk9zn4EmJwv-ReyQ_lfKgCsO6NUhPAJQ=Zx5uYbdoWrTs";
    private const string ProbeN = "Y8rKt2QmW5sHc0zNp";

    /// <summary>
    /// The first candidate that deciphers a probe signature and transforms a probe <c>n</c>. Checked while loading, so
    /// that a player we misread fails once, with a clear message, instead of on every download.
    /// </summary>
    public static (PlayerUrlBuilder Builder, int Index) Choose(Engine engine, JsValue candidates, IReadOnlyList<string> candidateNames)
    {
        var problems = new List<string>();
        for (var i = 0; i < candidateNames.Count; i++)
        {
            var candidate = new PlayerUrlBuilder(engine, Run(() => candidates.Get(i), "The player did not expose its URL builder"));
            try
            {
                candidate.Decipher(ProbeSignature);
                candidate.TransformN(ProbeN);
                return (candidate, i);
            }
            catch (PlayerScriptException ex)
            {
                problems.Add($"{candidateNames[i]}: {ex.Message}");
            }
        }
        throw new PlayerScriptException(
            "No URL-builder function of the player both deciphers signatures and transforms n (tried " +
            string.Join(" ", problems) + ")");
    }

    /// <exception cref="PlayerScriptException">The player failed, or gave back no signature.</exception>
    public string Decipher(string s)
    {
        var url = Build(StreamUrl, s);
        return ReadParameter(url, SignatureParameter) switch
        {
            null or "" => throw new PlayerScriptException("The player did not decipher the signature: it gave back none."),
            var signature when signature == s => throw new PlayerScriptException("The player returned the signature unchanged."),
            var signature => signature,
        };
    }

    /// <exception cref="PlayerScriptException">The player failed, or gave back no transformed n.</exception>
    public string TransformN(string n)
    {
        // An empty signature makes the builder skip deciphering.
        var url = Build(StreamUrl + "&n=" + Uri.EscapeDataString(n), signature: "");
        return ReadParameter(url, "n") switch
        {
            null or "" => throw new PlayerScriptException("The player did not transform n: it gave back none."),
            // The n functions catch their own failures and answer this prefix followed by the input.
            var output when output.StartsWith("enhanced_except", StringComparison.Ordinal) => throw new PlayerScriptException(
                $"The player's n function failed inside ({output[..Math.Min(output.Length, 40)]}…)."),
            // Some return their input untouched when they find themselves outside the player they were built for.
            var output when output == n => throw new PlayerScriptException("The player returned n unchanged."),
            var output => output,
        };
    }

    /// <summary>Runs player code, turning the engine's failures (script errors, exceeded limits) into ours.</summary>
    public static T Run<T>(Func<T> action, string failure)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is JintException or ParseErrorException or TimeoutException)
        {
            throw new PlayerScriptException($"{failure}: {ex.Message}", ex);
        }
    }

    private ObjectInstance Build(string url, string signature)
    {
        var result = Run(
            () => engine.Call(function, JsValue.Undefined, [JsString.Create(url), JsString.Create(SignatureParameter), JsString.Create(signature)]),
            "The player's URL builder failed");
        return result as ObjectInstance ?? throw new PlayerScriptException("The player's URL builder returned no URL object.");
    }

    private string? ReadParameter(ObjectInstance url, string name)
    {
        var value = Run(() => engine.Call(url.Get("get"), url, [JsString.Create(name)]), $"The player failed to read {name} back");
        // The player keeps query values URL-encoded.
        return value.IsString() ? Uri.UnescapeDataString(value.AsString()) : null;
    }
}
