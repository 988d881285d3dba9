using System.Text.Json;

namespace YtDownloader.Tests.TestSupport;

/// <summary>One known answer of a recorded player: its signature (<see cref="KnownAnswers.Signature"/>) or <c>n</c> output for an input.</summary>
public sealed record KnownAnswer(string Player, string Kind, string Input, string Expected);

/// <summary>
/// The recorded players (every <c>base-*.js</c> in the fixtures, by path relative to <see cref="Fixtures.Root"/>) and
/// the answers recorded beside them in <c>decipher-reference.json</c>: answers computed on the recorded responses,
/// yt-dlp's published <c>n</c> tests, and synthetic challenges. Shared by the specs and the player bench.
/// </summary>
public static class KnownAnswers
{
    public const string Signature = "sig";
    public const string N = "n";

    /// <summary>Every recorded player script, whether or not a reference file names it.</summary>
    public static IReadOnlyList<string> Players() =>
        [.. Directory.EnumerateFiles(Fixtures.Root, "base-*.js", SearchOption.AllDirectories)
            .Select(RelativeToRoot)
            .Order(StringComparer.Ordinal)];

    /// <summary>Every answer of every reference file, each distinct (player, kind, input) once.</summary>
    public static IEnumerable<KnownAnswer> All() =>
        ReferenceFiles()
            .SelectMany(reference => AnswersIn(reference.Player, reference.Json.RootElement))
            .DistinctBy(answer => (answer.Player, answer.Kind, answer.Input));

    /// <summary>The signature timestamp each reference file read from its player.</summary>
    public static IEnumerable<(string Player, int SignatureTimestamp)> SignatureTimestamps() =>
        ReferenceFiles()
            .Select(reference => (reference.Player, reference.Json.RootElement.GetProperty("signatureTimestamp_from_js").GetInt32()))
            .Distinct();

    private static string RelativeToRoot(string path) => System.IO.Path.GetRelativePath(Fixtures.Root, path).Replace('\\', '/');

    private static IEnumerable<(string Player, JsonDocument Json)> ReferenceFiles() =>
        Directory.EnumerateFiles(Fixtures.Root, "decipher-reference.json", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(file =>
            {
                var json = JsonDocument.Parse(File.ReadAllText(file));
                var player = System.IO.Path.GetFullPath(System.IO.Path.Combine(
                    System.IO.Path.GetDirectoryName(file)!, json.RootElement.GetProperty("player_js").GetString()!));
                return (RelativeToRoot(player), json);
            });

    private static IEnumerable<KnownAnswer> AnswersIn(string player, JsonElement reference)
    {
        if (reference.TryGetProperty("computed_reference", out var computed))
        {
            foreach (var entry in computed.GetProperty("entries").EnumerateArray())
            {
                if (entry.TryGetProperty("s", out var s))
                    yield return new KnownAnswer(player, Signature, s.GetString()!, entry.GetProperty("expected_sig").GetString()!);
                if (entry.TryGetProperty("n", out var n))
                    yield return new KnownAnswer(player, N, n.GetString()!, entry.GetProperty("expected_n").GetString()!);
            }
        }
        if (reference.TryGetProperty("synthetic_challenges", out var synthetic))
        {
            foreach (var kind in new[] { Signature, N })
            {
                foreach (var challenge in synthetic.GetProperty(kind).EnumerateArray())
                    yield return new KnownAnswer(player, kind, challenge.GetProperty("input").GetString()!, challenge.GetProperty("expected").GetString()!);
            }
        }
        if (reference.TryGetProperty("published_known_answers", out var published))
        {
            foreach (var answer in published.EnumerateArray())
            {
                var kind = answer.GetProperty("kind").GetString() == "n" ? N : Signature;
                yield return new KnownAnswer(player, kind, answer.GetProperty("input").GetString()!, answer.GetProperty("expected").GetString()!);
            }
        }
    }
}
