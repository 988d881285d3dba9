using System.Diagnostics;
using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using CliWrap;
using CliWrap.Buffered;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using YtDownloader;
using YtDownloader.Bench;
using YtDownloader.IntegrationTests.TestSupport;
using YtDownloader.Storage;

// Issue 5's figures, each beside the reference it is judged against, measured in the same run. Run: bench/run.sh.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var settings = BenchSettings.Parse(args);
var report = new Report(settings);
void Progress(string line) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");

// The service's own storage wiring, for the bare upload and the original design's upload: same code, same settings.
var builder = WebApplication.CreateBuilder();
builder.Configuration.AddInMemoryCollection(settings.ServerEnvironment
    .Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), s.Value)));
builder.AddYtDownloader();
await using var service = builder.Build();
var s3 = service.Services.GetRequiredService<IAmazonS3>();
await s3.PutBucketAsync(settings.Bucket);

var media = new List<TestMedia>();
var origins = new List<FakeOrigin>();
try
{
    async Task<(TestMedia, FakeOrigin)> MediaOfAsync(long bytes, MediaShape shape = MediaShape.Dash)
    {
        var set = new TestMedia(shape);
        media.Add(set);
        await set.InitializeAsync();
        await set.EnlargeAsync(bytes);
        var origin = new FakeOrigin(set);
        origins.Add(origin);
        await origin.InitializeAsync();
        Progress($"{shape} media of {bytes / 1e6:0} MB ready: video {set.Video1080.Length / 1e6:0.0} MB + audio {set.AacAudio.Length / 1e6:0.0} MB, {set.EnlargedDuration}");
        return (set, origin);
    }

    // The warm-up job of every measured one: the same 1080p path, long enough to run each per-chunk method often.
    // Of each shape measured: a DASH job runs our merge of MP4 inputs, a WebM one our merge of a WebM input, a
    // progressive one ffmpeg's (figure 10), each warmed up on its own path.
    var warmUps = new Dictionary<MediaShape, TestMedia>();
    foreach (var shape in settings.Wants(BenchSettings.ProfileFigure) ? Enum.GetValues<MediaShape>() : (MediaShape[])[MediaShape.Dash])
    {
        var warmUp = new TestMedia(shape);
        media.Add(warmUp);
        await warmUp.InitializeAsync();
        await warmUp.EnlargeAsync(30_000_000);
        warmUps[shape] = warmUp;
    }
    var workloads = new Workloads(settings, service.Services.GetRequiredService<IVideoStore>(), warmUps, () => EmptyBucketAsync(s3, settings));
    var (main, mainOrigin) = await MediaOfAsync(settings.MainBytes);

    // 1. Throughput, in both regimes; 2 and 3 come from the same jobs.
    JobFigures? fullSpeedJob = null;
    foreach (var (regime, rate) in settings.Wants(1) ? ((string, long?)[])[("i", null), ("ii", BenchSettings.ThrottledBytesPerSecond)] : [])
    {
        mainOrigin.BytesPerSecondPerConnection = rate;
        JobFigures job;
        await using (var server = await workloads.StartServerAsync(mainOrigin))
            job = await workloads.RunJobAsync(server, mainOrigin, main);
        Progress($"({regime}) end to end: {job}");
        var bareDownload = await Workloads.BareDownloadAsync(mainOrigin, main);
        Progress($"({regime}) (a) bare download: {bareDownload}");
        var bareUpload = regime == "i" ? await workloads.BareUploadAsync(job.BytesOut) : (TimeSpan?)null;
        Progress($"({regime}) (b) bare upload: {bareUpload}");
        var original = await workloads.OriginalDesignAsync(mainOrigin, main);
        Progress($"({regime}) (c) original design: {original}");
        report.Throughput(regime, job, bareDownload, bareUpload, original);
        fullSpeedJob ??= job;
    }
    mainOrigin.BytesPerSecondPerConnection = null;

    var (small, smallOrigin) = await MediaOfAsync(settings.SmallBytes);
    if (fullSpeedJob is not null)
    {
        JobFigures smallJob;
        await using (var server = await workloads.StartServerAsync(smallOrigin))
            smallJob = await workloads.RunJobAsync(server, smallOrigin, small);
        Progress($"small job: {smallJob}");
        report.Memory(fullSpeedJob, smallJob);
        report.Cpu(fullSpeedJob);
    }

    // 4. Concurrency, with GET /api/video timed meanwhile: for a new video (the sources are asked) and a video just seen (the cache answers).
    var (concurrent, concurrentOrigin) = settings.ConcurrentJobBytes == settings.SmallBytes || !settings.Wants(4)
        ? (small, smallOrigin)
        : await MediaOfAsync(settings.ConcurrentJobBytes);
    foreach (var jobs in settings.Wants(4) ? (int[])[0, 1, 2, 4] : [])
    {
        // Four jobs at once: all four must run, not three and one waiting.
        await using var server = await workloads.StartServerAsync(concurrentOrigin, ("Jobs__MaxConcurrent", "4"));
        using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = Timeout.InfiniteTimeSpan };
        await Workloads.UploadAsync(http, workloads.NewVideo(concurrentOrigin), "720p");
        var seen = workloads.NewVideo(concurrentOrigin);
        await Latencies.TimeAsync(http, $"api/video?url={seen}");
        await Latencies.TimeAsync(http, $"api/video?url={workloads.NewVideo(concurrentOrigin)}");

        using var stop = new CancellationTokenSource();
        List<double> fresh = [], cached = [];
        var probe = Task.Run(async () =>
        {
            while (jobs > 0 ? !stop.IsCancellationRequested : fresh.Count < 100)
            {
                fresh.Add(await Latencies.TimeAsync(http, $"api/video?url={workloads.NewVideo(concurrentOrigin)}"));
                cached.Add(await Latencies.TimeAsync(http, $"api/video?url={seen}"));
                await Task.Delay(20);
            }
        });
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, jobs).Select(_ => Workloads.UploadAsync(http, workloads.NewVideo(concurrentOrigin))));
        clock.Stop();
        await stop.CancelAsync();
        await probe;
        await EmptyBucketAsync(s3, settings);
        var aggregate = jobs * (concurrent.Video1080.Length + concurrent.AacAudio.Length) / 1e6 / clock.Elapsed.TotalSeconds;
        Progress($"{jobs} jobs: {aggregate:0.0} MB/s, {fresh.Count} probes");
        report.Concurrency(jobs, aggregate, new Latencies(fresh), new Latencies(cached));
    }

    // 5. Metadata from the cache under load, beside the same load with the cache off.
    // wrk keeps a fixed number of requests in flight: 16 saturates the two cores (throughput), 4 is a busy but not
    // saturated service (latency at a load above the target's 5,000 requests/s).
    foreach (var (cacheOn, connections) in settings.Wants(5) ? ((bool, int)[])[(true, 16), (true, 4), (false, 16)] : [])
    {
        await using var server = await workloads.StartServerAsync(mainOrigin, cacheOn ? [] : [("Sources__CacheLifetime", "00:00:00")]);
        var id = workloads.NewVideo(mainOrigin);
        using (var http = new HttpClient { BaseAddress = server.BaseUrl })
            await Latencies.TimeAsync(http, $"api/video?url={id}");
        var figures = await WrkFigures.RunAsync(new Uri(server.BaseUrl, $"api/video?url={id}"), connections,
            cacheOn ? settings.LoadDuration : settings.LoadDuration / 2);
        Progress($"metadata, cache {(cacheOn ? "on" : "off")}, {connections} connections: {figures}");
        report.Metadata(cacheOn, connections, figures);
    }

    // 9. Peak memory per job size, each job on a fresh server with the shipped settings: flat with size is the target.
    if (settings.Wants(9))
    {
        var figures = new List<JobFigures>();
        foreach (var bytes in settings.MemoryJobBytes)
        {
            var (set, origin) = bytes == settings.MainBytes ? (main, mainOrigin)
                : bytes == settings.SmallBytes ? (small, smallOrigin)
                : bytes == settings.ConcurrentJobBytes && settings.Wants(4) ? (concurrent, concurrentOrigin)
                : await MediaOfAsync(bytes);
            await using (var server = await workloads.StartServerAsync(origin))
                figures.Add(await workloads.RunJobAsync(server, origin, set));
            Progress($"memory, {bytes / 1e6:0} MB job: {figures[^1]}");
        }
        report.MemoryBySize(figures);
    }

    // 10. CPU by stage, from perf: the job as figure 1 (i) runs it, on every path (our merge of the DASH streams; our
    // merge of VP9 in WebM with the same audio; and ffmpeg's, of the DASH video with the audio's index at the end,
    // which ours does not take).
    if (settings.Wants(BenchSettings.ProfileFigure))
    {
        var (webm, webmOrigin) = await MediaOfAsync(settings.MainBytes, MediaShape.Webm);
        var (progressive, progressiveOrigin) = await MediaOfAsync(settings.MainBytes, MediaShape.Progressive);
        foreach (var (path, set, origin) in ((string, TestMedia, FakeOrigin)[])[
            ("our merge", main, mainOrigin), ("our merge of WebM", webm, webmOrigin), ("ffmpeg", progressive, progressiveOrigin)])
        {
            JobFigures job;
            await using (var server = await workloads.StartServerAsync(origin, PerfRecorder.ServerSettings))
                job = await workloads.RunJobAsync(server, origin, set, new PerfRecorder(Path.Combine(settings.WorkFolder, "perf.data")));
            Progress($"profile, {path}: {job.CpuSeconds:0.00} CPU s over {job.Elapsed.TotalSeconds:0.0} s; by stage, and the innermost symbols in each:\n{job.Profile!.Describe()}");
            report.CpuByStage(path, job);
        }
    }

    // 8. Memory under a crowd: event streams and job requests at once, on the unenlarged test media (the jobs are
    // small, so what is measured is what the streams and requests cost, not the media in flight).
    if (settings.Wants(8))
    {
        var crowd = new TestMedia();
        media.Add(crowd);
        await crowd.InitializeAsync();
        var crowdOrigin = new FakeOrigin(crowd);
        origins.Add(crowdOrigin);
        await crowdOrigin.InitializeAsync();
        await using var server = await workloads.StartServerAsync(crowdOrigin, ("Jobs__MaxQueued", "40"), ("Jobs__MaxConcurrent", "3"));
        var load = await workloads.EventStreamsAsync(server, crowdOrigin, jobs: 40, streamsPerJob: 5);
        Progress($"event streams: {load}");
        report.MemoryUnderLoad(load);
    }

    if (settings.Wants(6))
        report.Micro(MicroFigure.Read(settings.MicroResults));
    var table = report.ToMarkdown();
    Console.WriteLine(table);
    if (settings.Output is { } output)
        await File.WriteAllTextAsync(output, table);
}
finally
{
    await EmptyBucketAsync(s3, settings);
    await s3.DeleteBucketAsync(settings.Bucket);
    foreach (var origin in origins)
        await origin.DisposeAsync();
    foreach (var set in media)
        await set.DisposeAsync();
    Directory.Delete(settings.WorkFolder, recursive: true);
}

// Deleted objects stay on radosgw's disk until its garbage collector runs (hours by default): run it now, so a
// gigabyte-sized bench fits the S3 server's small disk.
static async Task EmptyBucketAsync(IAmazonS3 s3, BenchSettings settings)
{
    foreach (var upload in (await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = settings.Bucket })).MultipartUploads ?? [])
        await s3.AbortMultipartUploadAsync(settings.Bucket, upload.Key, upload.UploadId);
    foreach (var item in (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = settings.Bucket })).S3Objects ?? [])
        await s3.DeleteObjectAsync(settings.Bucket, item.Key);
    if (settings.RadosgwConf is { } conf)
    {
        await Cli.Wrap("radosgw-admin").WithArguments(["-c", conf, "-n", "client.rgw.a", "gc", "process", "--include-all"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
    }
}
