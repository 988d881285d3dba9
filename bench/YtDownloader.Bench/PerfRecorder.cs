using System.Diagnostics;
using System.Globalization;

namespace YtDownloader.Bench;

/// <summary>
/// <c>perf record -a -g</c> on the CPU clock while one job runs (the whole machine, so that threads the server starts
/// during the job and its ffmpeg children are in it; other processes are left out when read). The CPU clock, not
/// cycles: these virtual machines have no hardware counters (<c>perf stat -e instructions</c> says "not supported"),
/// and each sample's period is then CPU nanoseconds. JIT-compiled code is named through the server's perf map, so the
/// server must run with <c>DOTNET_PerfMapEnabled=1</c> and <c>DOTNET_EnableWriteXorExecute=0</c> (<see cref="ServerSettings"/>).
/// perf cannot name code precompiled in a ReadyToRun file (a sample there falls in the file's mapping, which has no
/// ELF symbols), so under the profiler the assemblies the stages are told by (ours, the S3 SDK's) are compiled at run
/// time, as they were before the server was published ReadyToRun; the framework's own precompiled code stays, and
/// its frames count by the frames around them.
/// </summary>
internal sealed class PerfRecorder(string dataPath)
{
    private const int SamplesPerSecond = 499;
    private Process? _perf;

    /// <summary>
    /// The server's settings that let perf name its code: a perf map, code not double-mapped, and the stages'
    /// assemblies compiled at run time.
    /// </summary>
    public static readonly (string Key, string Value)[] ServerSettings =
        [("DOTNET_PerfMapEnabled", "1"), ("DOTNET_EnableWriteXorExecute", "0"), ("DOTNET_ReadyToRunExcludeList", "YtDownloader;AWSSDK.Core;AWSSDK.S3")];

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("perf",
            ["record", "-a", "-g", "-e", "cpu-clock", "-F", SamplesPerSecond.ToString(CultureInfo.InvariantCulture), "-o", dataPath, "-q"])
        {
            RedirectStandardError = true, RedirectStandardOutput = true,
        };
        _perf = Process.Start(start) ?? throw new InvalidOperationException("perf could not be started (bench/run.sh installs linux-perf).");
        _ = _perf.StandardError.ReadToEndAsync();
        _ = _perf.StandardOutput.ReadToEndAsync();
        // perf opens its events per CPU before it samples: give it that time, so that the job's start is in the record.
        await Task.Delay(TimeSpan.FromSeconds(1));
        if (_perf.HasExited)
            throw new InvalidOperationException($"perf record exited at once with code {_perf.ExitCode}: is perf allowed here (root, or kernel.perf_event_paranoid)?");
    }

    /// <summary>Stops the record (SIGINT, as perf expects, so that it writes its file out) and reads it as stages of the server and its children.</summary>
    public async Task<CpuProfile> StopAsync(int serverPid, IReadOnlySet<int> childPids)
    {
        var perf = _perf ?? throw new InvalidOperationException("The record was not started.");
        using (var interrupt = Process.Start("kill", ["-INT", perf.Id.ToString(CultureInfo.InvariantCulture)])!)
            await interrupt.WaitForExitAsync();
        await perf.WaitForExitAsync();
        perf.Dispose();

        var script = new ProcessStartInfo("perf", ["script", "-i", dataPath, "-F", "comm,pid,tid,period,ip,sym,dso"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var reading = Process.Start(script)!;
        _ = reading.StandardError.ReadToEndAsync();
        var profile = await Task.Run(() => CpuProfile.Of(PerfScript.Parse(reading.StandardOutput), serverPid, childPids));
        await reading.WaitForExitAsync();
        File.Delete(dataPath);
        foreach (var map in (string[])[$"/tmp/perf-{serverPid}.map", $"/tmp/perfinfo-{serverPid}.map"])
            File.Delete(map);
        return profile;
    }
}
