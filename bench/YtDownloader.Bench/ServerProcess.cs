using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace YtDownloader.Bench;

/// <summary>
/// The real service, started as a user starts it (<c>dotnet YtDownloader.dll</c>, configured by environment
/// variables), with its memory and CPU read from <c>/proc</c>. Its log goes to a file beside the bench's work.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const double ClockTicksPerSecond = 100; // USER_HZ on Linux

    private readonly Process _process;
    private readonly Task _logPump;

    private readonly string _logPath;

    private ServerProcess(Process process, Uri baseUrl, string logPath)
    {
        _process = process;
        _logPath = logPath;
        BaseUrl = baseUrl;
        var log = new StreamWriter(logPath) { AutoFlush = true };
        _logPump = Task.WhenAll(
            PumpAsync(process.StandardOutput, log),
            PumpAsync(process.StandardError, log)).ContinueWith(_ => log.Dispose(), TaskScheduler.Default);
    }

    public Uri BaseUrl { get; }
    public int Pid => _process.Id;

    public static async Task<ServerProcess> StartAsync(string dll, IReadOnlyDictionary<string, string> settings, string logPath)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
            start.Environment[key] = value;

        var server = new ServerProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}/"), logPath);
        using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(2) };
        for (var deadline = Stopwatch.StartNew(); deadline.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(100))
        {
            if (server._process.HasExited)
                throw new InvalidOperationException($"The server exited with code {server._process.ExitCode}; see {logPath}.");
            try
            {
                if ((await http.GetAsync("healthz")).StatusCode == HttpStatusCode.OK)
                    return server;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
        }
        await server.DisposeAsync();
        throw new TimeoutException($"The server did not answer /healthz within 60 s; see {logPath}.");
    }

    /// <summary>CPU seconds used so far by the server and by its children that have ended (ffmpeg).</summary>
    public double CpuSeconds() => CpuSecondsOf(Pid);

    /// <summary>CPU seconds used so far by a process and by its children that have ended; 0 when it is gone.</summary>
    public static double CpuSecondsOf(int pid)
    {
        if (!File.Exists($"/proc/{pid}/stat"))
            return 0;
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields 14 to 17 of proc(5) (utime, stime, cutime, cstime), counted here from field 3.
        return fields[11..15].Sum(f => long.Parse(f, System.Globalization.CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
    }

    /// <summary>Samples the resident memory of the server and of its children every 50 ms until disposed.</summary>
    public RssSampler SampleMemory() => new(Pid);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        await _logPump;
        _process.Dispose();
        // A retry or a failure inside the server explains an odd figure: show them rather than bury them.
        var warnings = File.ReadLines(_logPath).Where(l => l.StartsWith("warn:", StringComparison.Ordinal) || l.StartsWith("fail:", StringComparison.Ordinal)).ToList();
        if (warnings.Count > 0)
            Console.Error.WriteLine($"server log: {warnings.Count} warnings, first: {string.Join(" | ", File.ReadLines(_logPath).SkipWhile(l => !warnings.Contains(l)).Take(4))}");
    }

    private static async Task PumpAsync(StreamReader from, StreamWriter to)
    {
        while (await from.ReadLineAsync() is { } line)
        {
            lock (to)
                to.WriteLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Peak resident memory (VmRSS) of a process and, separately, of its children, from <c>/proc</c>.</summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RssSampler(int pid)
    {
        _pid = pid;
        _loop = Task.Run(LoopAsync);
    }

    public long PeakBytes { get; private set; }
    public long PeakChildBytes { get; private set; }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        do
        {
            PeakBytes = Math.Max(PeakBytes, RssOf(_pid) ?? 0);
            PeakChildBytes = Math.Max(PeakChildBytes, ChildrenOf(_pid).Sum(c => RssOf(c) ?? 0));
        }
        while (await Ticked(timer));
    }

    private async Task<bool> Ticked(PeriodicTimer timer)
    {
        try { return await timer.WaitForNextTickAsync(_stop.Token); }
        catch (OperationCanceledException) { return false; }
    }

    private static long? RssOf(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException) { return null; } // the process ended between listing and reading
        catch (UnauthorizedAccessException) { return null; }
    }

    private static IEnumerable<int> ChildrenOf(int pid)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var candidate))
                continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; }
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[1] == pid.ToString(System.Globalization.CultureInfo.InvariantCulture))
                yield return candidate;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
            return;
        await _stop.CancelAsync();
        await _loop;
    }
}
