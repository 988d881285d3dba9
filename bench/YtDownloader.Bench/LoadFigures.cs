using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;

namespace YtDownloader.Bench;

/// <summary>Latencies in milliseconds, summarised.</summary>
internal sealed record Latencies(IReadOnlyList<double> Milliseconds)
{
    public double Percentile(double p)
    {
        if (Milliseconds.Count == 0)
            return double.NaN;
        var sorted = Milliseconds.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public static async Task<double> TimeAsync(HttpClient http, string path)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync(path);
        await response.Content.LoadIntoBufferAsync();
        response.EnsureSuccessStatusCode();
        return clock.Elapsed.TotalMilliseconds;
    }
}

/// <summary>What wrk measured: requests per second, the 50th and 99th percentile, and any error answers.</summary>
internal sealed partial record WrkFigures(double RequestsPerSecond, double P50Ms, double P99Ms, long Errors)
{
    public static async Task<WrkFigures?> RunAsync(Uri url, int connections, TimeSpan duration)
    {
        BufferedCommandResult result;
        try
        {
            result = await Cli.Wrap("wrk")
                .WithArguments(["-t2", $"-c{connections}", $"-d{(int)duration.TotalSeconds}s", "--latency", url.ToString()])
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // bench/run.sh installs wrk; without it this figure is left out, not faked
        }
        var text = result.StandardOutput;
        double Latency(string percent)
        {
            var match = Regex.Match(text, $@"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
            var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
        }
        long Count(string pattern) => Regex.Match(text, pattern) is { Success: true } m ? m.Groups[1].Value.Split(',').Sum(v => long.Parse(Regex.Match(v, @"\d+").Value, CultureInfo.InvariantCulture)) : 0;
        return new WrkFigures(
            double.Parse(RequestsPerSecondLine().Match(text).Groups[1].Value, CultureInfo.InvariantCulture),
            Latency("50"), Latency("99"),
            Count(@"Non-2xx or 3xx responses: (\d+)") + Count(@"Socket errors: (.+)"));
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecondLine();
}

/// <summary>One BenchmarkDotNet result: mean time per call and bytes allocated per call.</summary>
internal sealed record MicroFigure(string Name, double MeanNs, long AllocatedBytes)
{
    /// <summary>Reads the JSON reports BenchmarkDotNet wrote into a folder (bench/run.sh runs it with --exporters json).</summary>
    public static IReadOnlyList<MicroFigure> Read(string? folder)
    {
        if (folder is null || !Directory.Exists(folder))
            return [];
        var figures = new List<MicroFigure>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var benchmark in document.RootElement.GetProperty("Benchmarks").EnumerateArray())
            {
                var parameters = benchmark.GetProperty("Parameters").GetString();
                var name = $"{benchmark.GetProperty("Type").GetString()}.{benchmark.GetProperty("Method").GetString()}"
                    + (string.IsNullOrEmpty(parameters) ? "" : $" ({parameters})");
                figures.Add(new MicroFigure(name,
                    benchmark.GetProperty("Statistics").GetProperty("Mean").GetDouble(),
                    benchmark.GetProperty("Memory").GetProperty("BytesAllocatedPerOperation").GetInt64()));
            }
        }
        return figures;
    }
}
