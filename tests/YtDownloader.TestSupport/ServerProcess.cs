using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>
/// The service as its own operating-system process, started as a user starts it (<c>dotnet YtDownloader.dll</c> from
/// a build, the <c>YtDownloader</c> executable from a native publish; configured by environment variables): a test
/// can kill it without warning, as a crash or an OOM kill would, and start it again on the same database; a bench
/// reads its memory and CPU from <c>/proc</c>.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const double ClockTicksPerSecond = 100; // USER_HZ on Linux

    private readonly Process _process;
    private readonly StreamWriter? _log;

    private ServerProcess(Process process, Uri baseUrl, ConcurrentQueue<string> output, StreamWriter? log)
    {
        _process = process;
        BaseUrl = baseUrl;
        Output = output;
        _log = log;
    }

    public Uri BaseUrl { get; }
    public int Pid => _process.Id;

    /// <summary>What the service wrote to stdout and stderr so far, for a failing test to show.</summary>
    public ConcurrentQueue<string> Output { get; }

    /// <summary>
    /// Starts the service with these settings (as environment variables, e.g. <c>Jobs:MaxConcurrent</c>) and waits
    /// until it is healthy.
    /// </summary>
    /// <param name="service">
    /// The service to run: a <c>.dll</c> runs on <c>dotnet</c>, anything else (a native publish's executable) by
    /// itself; by default the build next to the caller (a project reference puts it there).
    /// </param>
    /// <param name="logPath">A file that also gets every line of the service's output as it comes, for a bench to keep.</param>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, string? service = null, string? logPath = null)
    {
        var baseUrl = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        // Drained so that a chatty log never blocks the service on a full pipe; kept for a failing test to show.
        var output = new ConcurrentQueue<string>();
        var log = logPath is null ? null : new StreamWriter(logPath) { AutoFlush = true };
        var process = Launch(service, settings, ["--urls", baseUrl.ToString()], line =>
        {
            output.Enqueue(line);
            if (log is not null)
            {
                lock (log)
                    log.WriteLine(line);
            }
        });

        var server = new ServerProcess(process, baseUrl, output, log);
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(5) };
        // Generous: on a loaded two-core box a cold start of the service alone can take tens of seconds.
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(200))
        {
            if (process.HasExited)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"The service exited at start with code {process.ExitCode}: {string.Join('\n', output.TakeLast(20))}");
            }
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode)
                    return server;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening, but too busy starting to answer.
            }
        }
        await server.DisposeAsync();
        throw new TimeoutException("The service did not become healthy within 60 s.");
    }

    /// <summary>Runs the service as a user would start it and waits for it to exit by itself, e.g. refusing to start.</summary>
    /// <returns>Its exit code and everything it wrote to stdout and stderr.</returns>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(IReadOnlyDictionary<string, string?> settings, string[] arguments)
    {
        var output = new ConcurrentQueue<string>();
        using var process = Launch(null, settings, arguments, output.Enqueue);
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        // The last lines arrive on the pipe readers: the no-argument wait returns only once they are drained.
        await process.WaitForExitAsync();
        return (process.ExitCode, string.Join('\n', output));
    }

    private static Process Launch(string? service, IReadOnlyDictionary<string, string?> settings, string[] arguments, Action<string> onLine)
    {
        service ??= Path.Combine(AppContext.BaseDirectory, "YtDownloader.dll");
        var start = service.EndsWith(".dll", StringComparison.Ordinal)
            ? new ProcessStartInfo("dotnet", [service, .. arguments])
            : new ProcessStartInfo(service, arguments);
        start.WorkingDirectory = Path.GetDirectoryName(service)!;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) onLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) onLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseUrl };

    /// <summary>The process's peak resident memory so far (VmHWM), in bytes.</summary>
    public long PeakResidentBytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
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
        return fields[11..15].Sum(f => long.Parse(f, CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
    }

    /// <summary>Samples the resident memory of the server and of its children every 50 ms until disposed.</summary>
    public RssSampler SampleMemory() => new(Pid);

    /// <summary>SIGTERM, as systemd or docker stop sends: the service shuts down gracefully; waits until it has exited.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            await KillAsync();
        // Returns once the output is drained, so that the log file has the last lines before it is closed.
        await _process.WaitForExitAsync();
        _process.Dispose();
        if (_log is null)
            return;
        lock (_log)
            _log.Dispose();
        // A bench keeps the log, and a retry or a failure inside the server explains an odd figure: show them rather than bury them.
        var lines = Output.ToList();
        var first = lines.FindIndex(IsWarning);
        if (first >= 0)
            Console.Error.WriteLine($"server log: {lines.Count(IsWarning)} warnings, first: {string.Join(" | ", lines.Skip(first).Take(4))}");
    }

    private static bool IsWarning(string line) =>
        line.StartsWith("warn:", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal);
}
