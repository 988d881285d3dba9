using System.Diagnostics;

namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>
/// The service as its own operating-system process (the build next to the tests), so that a test can kill it
/// without warning, as a crash or an OOM kill would, and start it again on the same database.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri baseUrl, System.Collections.Concurrent.ConcurrentQueue<string> output)
    {
        _process = process;
        BaseUrl = baseUrl;
        Output = output;
    }

    public Uri BaseUrl { get; }

    /// <summary>What the service wrote to stdout and stderr so far, for a failing test to show.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Output { get; }

    /// <summary>Starts the service with these settings (as environment variables, e.g. <c>Jobs:MaxConcurrent</c>) and waits until it is healthy.</summary>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var baseUrl = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        // Drained so that a chatty log never blocks the service on a full pipe; kept for a failing test to show.
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var process = Launch(settings, ["--urls", baseUrl.ToString()], output.Enqueue);

        var server = new ServerProcess(process, baseUrl, output);
        using var http = server.CreateClient();
        for (var attempt = 0; attempt < 150; attempt++)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The service exited at start with code {process.ExitCode}.");
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode)
                    return server;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        await server.DisposeAsync();
        throw new TimeoutException("The service did not become healthy within 30 s.");
    }

    /// <summary>Runs the service as a user would start it and waits for it to exit by itself, e.g. refusing to start.</summary>
    /// <returns>Its exit code and everything it wrote to stdout and stderr.</returns>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(IReadOnlyDictionary<string, string?> settings, string[] arguments)
    {
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = Launch(settings, arguments, output.Enqueue);
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

    private static Process Launch(IReadOnlyDictionary<string, string?> settings, string[] arguments, Action<string> onLine)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "YtDownloader.dll"), .. arguments])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
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
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>SIGTERM, as systemd or docker stop sends: the service shuts down gracefully; waits until it has exited.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
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
        _process.Dispose();
    }
}
