using System.Diagnostics;
using YtDownloader.Sources.Youtube.Player;
using YtDownloader.Tests.TestSupport;

namespace YtDownloader.MicroBenchmarks;

/// <summary>
/// Both ways of running a player's functions (<see cref="PlayerScriptWay"/>), on every recorded player, in one run:
/// managed memory held while a version is loaded and after its engine is released, load time, reload time after a
/// release, time per fresh signature and per fresh <c>n</c>, known answers reproduced, and whether the extracted
/// functions agree with the whole player on inputs nobody recorded.
/// </summary>
internal static class PlayerScriptFigures
{
    // Inputs made from the known ones, so that they have the lengths the players expect; fresh ones miss the caches.
    private const int FreshInputs = 40;

    public static void Print(TextWriter output)
    {
        var players = KnownAnswers.Players();
        var answers = KnownAnswers.All().ToList();

        // The first load in a process pays for JIT-compiling Jint and the parser: reported apart, not in the rows.
        var cold = new Dictionary<PlayerScriptWay, TimeSpan>();
        foreach (var way in Enum.GetValues<PlayerScriptWay>())
        {
            var javascript = File.ReadAllText(Fixtures.Path(players[0]));
            var stopwatch = Stopwatch.StartNew();
            using var script = PlayerScript.Load(javascript, way: way);
            cold[way] = stopwatch.Elapsed;
        }

        output.WriteLine("| Player | Way | Code run | Held loaded | Held idle | Load | Reload after release | Per signature | Per n | Known answers | Agrees with whole player |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var player in players)
        {
            var javascript = File.ReadAllText(Fixtures.Path(player));
            var known = answers.Where(answer => answer.Player == player).ToList();
            var signatures = Fresh(known.Where(a => a.Kind == KnownAnswers.Signature).Select(a => a.Input));
            var ns = Fresh(known.Where(a => a.Kind == KnownAnswers.N).Select(a => a.Input));

            var parsed = PlayerScriptPreparer.Parse(javascript);
            var codeRun = new Dictionary<PlayerScriptWay, int>
            {
                [PlayerScriptWay.WholePlayer] = PlayerScriptPreparer.WholePlayer(parsed).Code.Length,
                [PlayerScriptWay.ExtractedFunctions] = PlayerFunctionExtractor.Extract(parsed).Code.Length,
            };
            Dictionary<string, string>? whole = null;
            foreach (var way in new[] { PlayerScriptWay.WholePlayer, PlayerScriptWay.ExtractedFunctions })
            {
                var row = Measure(javascript, way, known, signatures, ns);
                var agreement = way == PlayerScriptWay.WholePlayer || row.Outputs is null || whole is null
                    ? "—"
                    : $"{row.Outputs.Count(pair => whole.TryGetValue(pair.Key, out var expected) && expected == pair.Value)}/{whole.Count} fresh inputs";
                whole ??= row.Outputs;
                output.WriteLine($"| {Path.GetFileNameWithoutExtension(player)} | {Name(way)} | {codeRun[way] / 1024} KB | {row.Text} | {agreement} |");
            }
        }
        output.WriteLine();
        output.WriteLine($"Cold first load in the process (JIT included), {Path.GetFileNameWithoutExtension(players[0])}: " +
                         string.Join(", ", cold.Select(pair => $"{Name(pair.Key)} {pair.Value.TotalSeconds:F2} s")));
    }

    private sealed record Row(string Text, Dictionary<string, string>? Outputs);

    private static Row Measure(string javascript, PlayerScriptWay way, List<KnownAnswer> known, List<string> signatures, List<string> ns)
    {
        var before = HeapBytes();
        var stopwatch = Stopwatch.StartNew();
        PlayerScript script;
        try
        {
            script = PlayerScript.Load(javascript, way: way);
        }
        catch (PlayerScriptException ex)
        {
            return new Row($"fails to load: {ex.Message} | | | | | | ", null);
        }
        using (script)
        {
            var load = stopwatch.Elapsed;
            var right = known.Count(answer => Ask(script, answer.Kind, answer.Input) == answer.Expected);
            var held = HeapBytes() - before;

            var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
            stopwatch.Restart();
            foreach (var s in signatures)
                outputs["s:" + s] = Ask(script, KnownAnswers.Signature, s);
            var perSignature = stopwatch.Elapsed / Math.Max(1, signatures.Count);
            stopwatch.Restart();
            foreach (var n in ns)
                outputs["n:" + n] = Ask(script, KnownAnswers.N, n);
            var perN = stopwatch.Elapsed / Math.Max(1, ns.Count);

            script.ReleaseIfIdle(TimeSpan.Zero);
            var idle = HeapBytes() - before;
            stopwatch.Restart();
            Ask(script, KnownAnswers.N, ns[0] + "x");
            var reload = stopwatch.Elapsed;

            return new Row(
                $"{Mib(held)} | {Mib(idle)} | {load.TotalSeconds:F2} s | {reload.TotalSeconds:F2} s | " +
                $"{perSignature.TotalMicroseconds:F0} µs | {perN.TotalMilliseconds:F2} ms | {right}/{known.Count}",
                outputs);
        }
    }

    private static string Ask(PlayerScript script, string kind, string input)
    {
        try
        {
            return kind == KnownAnswers.N ? script.TransformN(input) : script.DecipherSignature(input);
        }
        catch (PlayerScriptException ex)
        {
            return "failed: " + ex.Message;
        }
    }

    /// <summary>Rotations of the known inputs: same lengths and alphabet, different values.</summary>
    private static List<string> Fresh(IEnumerable<string> inputs)
    {
        var seeds = inputs.Distinct(StringComparer.Ordinal).ToList();
        var fresh = new List<string>(FreshInputs);
        for (var i = 0; fresh.Count < FreshInputs && seeds.Count > 0; i++)
        {
            var seed = seeds[i % seeds.Count];
            var shift = 1 + i / seeds.Count % (seed.Length - 1);
            fresh.Add(seed[shift..] + seed[..shift]);
        }
        return fresh;
    }

    private static long HeapBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static string Mib(long bytes) => $"{bytes / 1048576.0:F1} MiB";

    private static string Name(PlayerScriptWay way) => way switch
    {
        PlayerScriptWay.ExtractedFunctions => "extracted functions",
        _ => "whole player",
    };
}
