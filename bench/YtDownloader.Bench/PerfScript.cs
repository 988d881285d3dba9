using System.Globalization;

namespace YtDownloader.Bench;

/// <summary>
/// Reads what <c>perf script -F comm,pid,tid,period,ip,sym,dso</c> prints: per sample, a line with the thread's name,
/// <c>pid/tid</c> and the period, then one indented line per frame (<c>address symbol (dso)</c>, innermost first), then a
/// blank line.
/// </summary>
internal static class PerfScript
{
    public static IEnumerable<PerfSample> Parse(TextReader text)
    {
        (int Pid, string Thread, long Period)? header = null;
        var frames = new List<PerfFrame>();
        while (text.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                if (header is { } done)
                    yield return new PerfSample(done.Pid, done.Thread, done.Period, frames);
                (header, frames) = (null, []);
            }
            else if (char.IsWhiteSpace(line[0]))
            {
                if (header is not null && Frame(line) is { } frame)
                    frames.Add(frame);
            }
            else
            {
                header = Header(line);
            }
        }
        if (header is { } last)
            yield return new PerfSample(last.Pid, last.Thread, last.Period, frames);
    }

    /// <summary><c>.NET TP Worker  4242/4250   1001001</c>: a thread's name may hold spaces, so it is read from the right.</summary>
    private static (int Pid, string Thread, long Period)? Header(string line)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var at = Array.FindLastIndex(fields, f => f.Contains('/') && f.Split('/') is [var p, var t] && int.TryParse(p, out _) && int.TryParse(t, out _));
        if (at < 1 || at + 1 >= fields.Length || !long.TryParse(fields[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var period))
            return null;
        var thread = line[..line.IndexOf(fields[at], StringComparison.Ordinal)].Trim();
        return (int.Parse(fields[at].Split('/')[0], CultureInfo.InvariantCulture), thread, period);
    }

    /// <summary><c>    7f0e1c2b3a4d instance void [System.Private.CoreLib] System.Buffer::Memmove(...)[Optimized] (/tmp/perf-4242.map)</c>.</summary>
    private static PerfFrame? Frame(string line)
    {
        var text = line.Trim();
        var space = text.IndexOf(' ');
        if (space < 0)
            return null;
        var rest = text[(space + 1)..];
        var dsoAt = rest.LastIndexOf(" (", StringComparison.Ordinal);
        return dsoAt < 0 || !rest.EndsWith(')')
            ? new PerfFrame(rest, "")
            : new PerfFrame(rest[..dsoAt], rest[(dsoAt + 2)..^1]);
    }
}

/// <summary>
/// CPU seconds of one job by stage (<see cref="CpuStages"/>), from the samples of the server and of its children, and
/// for each stage the innermost symbols it spent the most in (what a figure is made of, for the notes).
/// </summary>
internal sealed record CpuProfile(IReadOnlyDictionary<string, double> SecondsByStage, IReadOnlyDictionary<string, IReadOnlyList<(string Symbol, double Seconds)>> TopByStage)
{
    private const int TopSymbols = 6;

    public double TotalSeconds => SecondsByStage.Values.Sum();

    /// <summary>The samples of <paramref name="serverPid"/> and of <paramref name="childPids"/>; every other process on the machine is left out.</summary>
    public static CpuProfile Of(IEnumerable<PerfSample> samples, int serverPid, IReadOnlySet<int> childPids)
    {
        var seconds = CpuStages.All.ToDictionary(s => s, _ => 0.0);
        var symbols = CpuStages.All.ToDictionary(s => s, _ => new Dictionary<string, double>());
        foreach (var sample in samples)
        {
            var ofChild = childPids.Contains(sample.Pid);
            if (sample.Pid != serverPid && !ofChild)
                continue;
            var stage = CpuStages.Of(sample, ofChild);
            var cpu = sample.PeriodNanoseconds / 1e9;
            seconds[stage] += cpu;
            var leaf = sample.Frames.Count > 0 ? $"{sample.Frames[0].Symbol} ({Path.GetFileName(sample.Frames[0].Dso)})" : $"(no stack, {sample.Thread})";
            symbols[stage][leaf] = symbols[stage].GetValueOrDefault(leaf) + cpu;
        }
        return new CpuProfile(seconds, symbols.ToDictionary(
            s => s.Key, s => (IReadOnlyList<(string, double)>)s.Value.OrderByDescending(o => o.Value).Take(TopSymbols).Select(o => (o.Key, o.Value)).ToList()));
    }

    /// <summary>Each stage with its CPU seconds and its top symbols, a line each.</summary>
    public string Describe() => string.Join("\n", CpuStages.All.Where(s => SecondsByStage[s] > 0).Select(s =>
        $"  {s}: {SecondsByStage[s]:0.00} s; " + string.Join("; ", TopByStage[s].Select(t => $"{t.Seconds:0.00} {t.Symbol}"))));
}
