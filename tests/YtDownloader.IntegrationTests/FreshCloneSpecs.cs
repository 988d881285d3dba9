using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using CliWrap;
using CliWrap.Buffered;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>
/// The first run as a new user meets it: a fresh clone, <c>scripts/run.sh</c> started from a folder of their own, the
/// start block saying where things go, and a video stored through the API found there.
/// </summary>
public sealed class FreshCloneSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Run_from_a_fresh_clone_keeps_the_data_under_the_folder_it_was_started_from_and_says_so()
    {
        fixture.Origin.Youtube[FakeOrigin.PlayableVideo] = YoutubeBehaviour.Playable;
        var workspace = Directory.CreateTempSubdirectory("ytd-fresh-").FullName;
        var clone = Path.Combine(workspace, "YtDownloader");
        var user = Directory.CreateDirectory(Path.Combine(workspace, "where-I-am")).FullName;
        // The clone has what is committed; the recorded fixtures live beside the repository, as ../shared.
        (await Cli.Wrap("git").WithArguments(["clone", "--quiet", Repository.Root, clone]).ExecuteBufferedAsync()).ExitCode.ShouldBe(0);
        if (Directory.Exists(Path.Combine(Repository.Root, "..", "shared")))
            Directory.CreateSymbolicLink(Path.Combine(workspace, "shared"), Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared")));
        var url = $"http://127.0.0.1:{LoopbackPort.Free()}";
        var output = new ConcurrentQueue<string>();

        using var run = Start(Path.Combine(clone, "scripts", "run.sh"), user, url, output);
        try
        {
            // A fresh clone builds first: minutes on a busy machine.
            var block = await WaitForStartBlockAsync(run, output, TimeSpan.FromMinutes(20));
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
            var (status, body, _) = await http.UploadAsync(new { url = FakeOrigin.PlayableVideo, quality = "360p" });

            block.ShouldContain($"Listening on: {url}");
            block.ShouldContain($"Videos go to: the local folder {Path.Combine(user, "data", "videos")}");
            block.ShouldContain($"Jobs are in:  SQLite file {Path.Combine(user, "data", "jobs.db")}");
            block.ShouldContain("API key:      none needed");
            status.ShouldBe(HttpStatusCode.OK, body.ToString());
            File.Exists(Path.Combine(user, "data", "videos", body.Text("key"))).ShouldBeTrue();
            File.Exists(Path.Combine(user, "data", "jobs.db")).ShouldBeTrue();
            Directory.Exists(Path.Combine(clone, "src", "YtDownloader", "data")).ShouldBeFalse("nothing lands inside the clone");
        }
        finally
        {
            run.Kill(entireProcessTree: true);
            await run.WaitForExitAsync();
            // The clone and its build are hundreds of megabytes.
            Directory.Delete(workspace, recursive: true);
        }
    }

    private Process Start(string script, string folder, string url, ConcurrentQueue<string> output)
    {
        var start = new ProcessStartInfo("bash", [script, "--urls", url])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["Youtube__Origin"] = fixture.Origin.BaseUrl.ToString();
        foreach (var inherited in new[] { "Storage__Local__Path", "Jobs__DatabasePath", "ConnectionStrings__Jobs" })
            start.Environment.Remove(inherited);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The lines from "YtDownloader is running." to the API key line, once they are all out.</summary>
    private static async Task<string> WaitForStartBlockAsync(Process run, ConcurrentQueue<string> output, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            var lines = output.ToList();
            var first = lines.FindIndex(l => l.Contains("YtDownloader is running.", StringComparison.Ordinal));
            var last = lines.FindIndex(Math.Max(first, 0), l => l.Contains("API key:", StringComparison.Ordinal));
            if (first >= 0 && last > first)
                return string.Join('\n', lines[first..(last + 1)]);
            if (run.HasExited)
                throw new InvalidOperationException($"run.sh exited with {run.ExitCode}:\n{string.Join('\n', lines.TakeLast(60))}");
            await Task.Delay(500);
        }
        throw new TimeoutException($"No start block within {patience}:\n{string.Join('\n', output.TakeLast(60))}");
    }
}
