using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Http.Json;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using YtDownloader.IntegrationTests.TestSupport;
using YtDownloader.Storage;

namespace YtDownloader.Bench;

/// <summary>What one end-to-end job cost.</summary>
internal sealed record JobFigures(
    TimeSpan Elapsed, long BytesIn, long BytesOut, long PeakRss, long PeakFfmpegRss, double CpuSeconds, double S3ServerCpuSeconds,
    long OriginBytes, long IdleRss, double AllocatedBytes, double JitSeconds, double JitMethods, CpuProfile? Profile = null)
{
    /// <summary>CPU seconds of the server and ffmpeg per gigabyte of streams.</summary>
    public double CpuSecondsPerGigabyte => CpuSeconds / (BytesIn / 1e9);

    public double MegabytesPerSecond => BytesIn / 1e6 / Elapsed.TotalSeconds;

    /// <summary>Bytes the server's managed code allocated per megabyte of streams (the runtime's own count, from /metrics).</summary>
    public double AllocatedPerMegabyte => AllocatedBytes / (BytesIn / 1e6);

    /// <summary>Bytes the media server sent for the job over the streams' own bytes: 1 when each byte is fetched once.</summary>
    public double OriginRatio => (double)OriginBytes / BytesIn;
}

/// <summary>Job requests at once with event streams following them (issue 14's probe): what the server's memory came to.</summary>
internal sealed record StreamLoadFigures(int Jobs, int Streams, int Events, TimeSpan Elapsed, long PeakRss, long IdleRss);

/// <summary>The original design, stage by stage: download both streams to files, mux to a file, upload the file.</summary>
internal sealed record OriginalDesignFigures(TimeSpan Download, TimeSpan Mux, TimeSpan Upload)
{
    public TimeSpan Total => Download + Mux + Upload;
}

/// <summary>The user's path and the references it is compared with, each done with the same parts.</summary>
/// <param name="warmUps">The small media set every server's warm-up job plays, whatever the size of the set measured, one per shape.</param>
internal sealed class Workloads(BenchSettings settings, IVideoStore store, IReadOnlyDictionary<MediaShape, TestMedia> warmUps, Func<Task> cleanUpBucket)
{
    private static readonly ObjectDescription Description = new("video/mp4", "bench.mp4", new Dictionary<string, string>());
    private int _jobs;

    /// <summary>A fresh server process, as a user runs it, pointed at this origin and the bench's bucket.</summary>
    public Task<ServerProcess> StartServerAsync(FakeOrigin origin, params (string Key, string Value)[] extra)
    {
        var environment = new Dictionary<string, string?>(settings.ServerEnvironment) { ["Youtube__Origin"] = origin.BaseUrl.ToString() };
        foreach (var (key, value) in extra)
            environment[key] = value;
        return ServerProcess.StartAsync(environment, settings.ServerDll, Path.Combine(settings.WorkFolder, $"server-{Interlocked.Increment(ref _jobs)}.log"));
    }

    /// <summary>
    /// POST /api/upload-s3 for the 1080p video plus its audio, timed, with the server's memory and CPU. The server
    /// has done two small jobs first (the same path through the merge and S3): a service runs for days, so the
    /// figures are those of a warm one, not of the first seconds of a process. Two, because with tiered compilation
    /// on (`--server-env DOTNET_TieredCompilation=1`; the service ships with it off) one leaves the hot methods at
    /// tier 0: the runtime starts counting calls only once it has compiled nothing new for 100 ms, which never
    /// happens during a first job, so they were counted and compiled again in the measured job; figure 10 shows
    /// what JIT is left apart. Those jobs play the same set for
    /// every server (with the measured set's audio, 24 MB in the 1 GB set and 2.3 MB in the 100 MB one, the idle
    /// before the job differed with the set), then the runtime is left to finish compiling what it ran: on these
    /// cores a fresh process tiers its hot methods up for tens of seconds, which a short job's figures left out
    /// and a long one's took in (code in memory and CPU seconds growing with the job's size).
    /// </summary>
    /// <param name="profiler">A perf record to run over the measured job alone (figure 10), or none.</param>
    public async Task<JobFigures> RunJobAsync(ServerProcess server, FakeOrigin origin, TestMedia media, PerfRecorder? profiler = null)
    {
        using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = Timeout.InfiniteTimeSpan };
        for (var warmUp = 0; warmUp < 2; warmUp++)
        {
            var warmUpVideo = NewVideo(origin);
            origin.MediaSets[warmUpVideo] = warmUps[media.Shape];
            await UploadAsync(http, warmUpVideo);
            await CompiledAsync(http);
        }

        var id = NewVideo(origin);
        var idle = server.SampleMemory();
        await Task.Delay(200);
        await idle.DisposeAsync();
        long OriginBytes() => origin.ServedBytes(media.Video1080.Name) + origin.ServedBytes(media.AacAudio.Name);
        var originBefore = OriginBytes();
        var allocatedBefore = await AllocatedBytesAsync(http);
        var (jitBefore, methodsBefore) = (await MetricAsync(http, "dotnet_jit_compilation_time_seconds"), await MetricAsync(http, "dotnet_jit_compiled_methods"));
        var cpuBefore = server.CpuSeconds();
        var s3CpuBefore = S3ServerCpuSeconds();
        if (profiler is not null)
            await profiler.StartAsync();
        await using var memory = server.SampleMemory();
        var clock = Stopwatch.StartNew();
        var stored = await UploadAsync(http, id);
        clock.Stop();
        await memory.DisposeAsync();
        var (cpu, s3Cpu) = (server.CpuSeconds() - cpuBefore, S3ServerCpuSeconds() - s3CpuBefore);
        var allocated = await AllocatedBytesAsync(http) - allocatedBefore;
        var (jit, methods) = (await MetricAsync(http, "dotnet_jit_compilation_time_seconds") - jitBefore, await MetricAsync(http, "dotnet_jit_compiled_methods") - methodsBefore);
        var profile = profiler is null ? null : await profiler.StopAsync(server.Pid, memory.ChildIds);
        var figures = new JobFigures(clock.Elapsed, media.Video1080.Length + media.AacAudio.Length, stored,
            memory.PeakBytes, memory.PeakChildBytes, cpu, s3Cpu, OriginBytes() - originBefore, idle.PeakBytes, allocated, jit, methods, profile);
        await cleanUpBucket();
        return figures;
    }

    /// <summary>The runtime's count of bytes allocated so far (<c>dotnet.gc.heap.total_allocated</c>, at /metrics on loopback).</summary>
    private static Task<double> AllocatedBytesAsync(HttpClient http) => MetricAsync(http, "dotnet_gc_heap_total_allocated_bytes");

    /// <summary>Waits until the runtime has compiled no method for 3 s (a minute at most).</summary>
    private static async Task CompiledAsync(HttpClient http)
    {
        var deadline = Stopwatch.StartNew();
        var compiled = await MetricAsync(http, "dotnet_jit_compiled_methods");
        while (deadline.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            var now = await MetricAsync(http, "dotnet_jit_compiled_methods");
            if (now == compiled)
                return;
            compiled = now;
        }
    }

    private static async Task<double> MetricAsync(HttpClient http, string name)
    {
        var text = await http.GetStringAsync("metrics");
        return text.Split('\n')
            .Where(l => l.StartsWith(name, StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>CPU seconds of radosgw and its storage daemon, which share these two cores with everything else.</summary>
    private double S3ServerCpuSeconds() =>
        settings.RadosgwConf is { } conf
            ? ((string[])["rgw", "osd"])
                .Select(d => Path.Combine(Path.GetDirectoryName(conf)!, "run", $"{d}.pid"))
                .Where(File.Exists)
                .Sum(f => ServerProcess.CpuSecondsOf(int.Parse(File.ReadAllText(f).Trim(), System.Globalization.CultureInfo.InvariantCulture)))
            : 0;

    public static async Task<long> UploadAsync(HttpClient http, string id, string quality = "1080p")
    {
        using var response = await http.PostAsJsonAsync("api/upload-s3", new { url = id, quality });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"The job for {id} failed with {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("size").GetInt64();
    }

    /// <summary>
    /// <paramref name="jobs"/> POST /api/jobs at once, each followed from its answer by <paramref name="streamsPerJob"/>
    /// event streams until it ends, with the server's resident memory sampled throughout.
    /// </summary>
    public async Task<StreamLoadFigures> EventStreamsAsync(ServerProcess server, FakeOrigin origin, int jobs, int streamsPerJob)
    {
        using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = Timeout.InfiniteTimeSpan };
        var idle = server.SampleMemory();
        await Task.Delay(500);
        await idle.DisposeAsync();
        var videos = Enumerable.Range(0, jobs).Select(_ => NewVideo(origin)).ToList();
        await using var memory = server.SampleMemory();
        var clock = Stopwatch.StartNew();
        var events = await Task.WhenAll(videos.Select(async video =>
        {
            using var response = await http.PostAsJsonAsync("api/jobs", new { url = video, quality = "720p" });
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"The job for {video} was refused with {(int)response.StatusCode}: {body}");
            var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
            return (await Task.WhenAll(Enumerable.Range(0, streamsPerJob).Select(_ => FollowAsync(http, id)))).Sum();
        }));
        clock.Stop();
        await memory.DisposeAsync();
        await cleanUpBucket();
        return new StreamLoadFigures(jobs, jobs * streamsPerJob, events.Sum(), clock.Elapsed, memory.PeakBytes, idle.PeakBytes);
    }

    /// <summary>Reads a job's event stream to its end; the job must end done.</summary>
    private static async Task<int> FollowAsync(HttpClient http, string id)
    {
        using var response = await http.GetAsync($"api/jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var (events, last) = (0, "");
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
                (events, last) = (events + 1, line);
        }
        if (!last.Contains("\"phase\":\"done\"", StringComparison.Ordinal))
            throw new InvalidOperationException($"Job {id} did not end done: {last}");
        return events;
    }

    /// <summary>A video ID the fake origin plays, new each time so that no cache answers for it.</summary>
    public string NewVideo(FakeOrigin origin)
    {
        var id = $"bench{Interlocked.Increment(ref _jobs):000000}";
        origin.Youtube[id] = YoutubeBehaviour.Playable;
        return id;
    }

    /// <summary>(a) The same bytes from the origin, one stream after the other, over one connection.</summary>
    public static async Task<TimeSpan> BareDownloadAsync(FakeOrigin origin, TestMedia media)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { Timeout = Timeout.InfiniteTimeSpan };
        var clock = Stopwatch.StartNew();
        foreach (var file in (MediaFile[])[media.Video1080, media.AacAudio])
        {
            await using var body = await http.GetStreamAsync(new Uri(origin.BaseUrl, $"/media/{file.Name}"));
            await body.CopyToAsync(Stream.Null);
        }
        return clock.Elapsed;
    }

    /// <summary>
    /// (b) A multipart upload of this many incompressible bytes to the S3 server, with the service's own store and
    /// settings, fed from a non-seekable stream as the pipeline feeds it.
    /// </summary>
    public async Task<TimeSpan> BareUploadAsync(long bytes)
    {
        var pattern = new byte[1 << 20];
        new Random(42).NextBytes(pattern);
        var pipe = new Pipe();
        var clock = Stopwatch.StartNew();
        var produce = Task.Run(async () =>
        {
            for (var left = bytes; left > 0; left -= pattern.Length)
                await pipe.Writer.WriteAsync(pattern.AsMemory(0, (int)Math.Min(pattern.Length, left)));
            await pipe.Writer.CompleteAsync();
        });
        await using (var content = pipe.Reader.AsStream())
            await store.SaveAsync($"bench/bare-upload-{Guid.NewGuid():N}.bin", content, Description, null, CancellationToken.None);
        await produce;
        var elapsed = clock.Elapsed;
        await cleanUpBucket();
        return elapsed;
    }

    /// <summary>(c) The original design: both streams to files (one connection each, side by side), ffmpeg to a file, then the file into S3.</summary>
    public async Task<OriginalDesignFigures> OriginalDesignAsync(FakeOrigin origin, TestMedia media)
    {
        var folder = Directory.CreateTempSubdirectory("ytd-bench-original-").FullName;
        try
        {
            var (video, audio, output) = (Path.Combine(folder, "video.mp4"), Path.Combine(folder, "audio.m4a"), Path.Combine(folder, "merged.mp4"));
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(DownloadToFileAsync(origin, media.Video1080, video), DownloadToFileAsync(origin, media.AacAudio, audio));
            var download = clock.Elapsed;

            clock.Restart();
            var mux = await Cli.Wrap("ffmpeg")
                .WithArguments(["-y", "-hide_banner", "-nostdin", "-loglevel", "error", "-i", video, "-i", audio,
                    "-map", "0:v:0", "-map", "1:a:0", "-c", "copy", output])
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync();
            if (mux.ExitCode != 0)
                throw new InvalidOperationException($"ffmpeg failed: {mux.StandardError}");
            var muxTime = clock.Elapsed;
            File.Delete(video);
            File.Delete(audio);

            clock.Restart();
            await using (var file = File.OpenRead(output))
                await store.SaveAsync($"bench/original-{Guid.NewGuid():N}.mp4", file, Description, null, CancellationToken.None);
            var upload = clock.Elapsed;
            await cleanUpBucket();
            return new OriginalDesignFigures(download, muxTime, upload);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task DownloadToFileAsync(FakeOrigin origin, MediaFile media, string path)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { Timeout = Timeout.InfiniteTimeSpan };
        await using var body = await http.GetStreamAsync(new Uri(origin.BaseUrl, $"/media/{media.Name}"));
        await using var file = File.Create(path);
        await body.CopyToAsync(file);
    }
}
