using System.Text;

namespace YtDownloader.Bench;

/// <summary>The one table: each figure, the reference measured beside it in this run, the target and whether it is met.</summary>
internal sealed class Report(BenchSettings settings)
{
    private readonly List<Row> _rows = [];

    public void Throughput(string regime, JobFigures job, TimeSpan bareDownload, TimeSpan? bareUpload, OriginalDesignFigures original)
    {
        var name = regime == "i" ? "1 (i) full speed" : $"1 (ii) {BenchSettings.ThrottledBytesPerSecond / 1e6:0} MB/s per connection";
        var measured = $"{Seconds(job.Elapsed)}, {job.MegabytesPerSecond:0.0} MB/s ({Megabytes(job.BytesIn)} in, {Megabytes(job.BytesOut)} out)";
        var originalText = $"(c) {Seconds(original.Total)} = download {Seconds(original.Download)} + mux {Seconds(original.Mux)} + upload {Seconds(original.Upload)}";
        _rows.Add(($"0 ({regime}) bytes from the media server", $"{Megabytes(job.OriginBytes)} for {Megabytes(job.BytesIn)} of streams",
            "the streams' own bytes", "≤ 1.05 × the streams", Verdict(job.OriginRatio <= 1.05, $"{job.OriginRatio:0.000} ×")));
        if (regime == "i")
        {
            var slower = bareUpload is { } up && up > bareDownload ? up : bareDownload;
            var ratio = job.Elapsed / slower;
            _rows.Add((name, measured,
                $"(a) {Seconds(bareDownload)}; (b) {Seconds(bareUpload!.Value)}; {originalText}",
                "≤ 1.25 × slower of (a), (b)",
                Verdict(ratio <= 1.25, $"{ratio:0.00} ×")));
        }
        else
        {
            var speedUp = original.Total / job.Elapsed;
            _rows.Add((name, measured, $"(a) {Seconds(bareDownload)}; {originalText}", "≥ 1.6 × faster than (c)",
                Verdict(speedUp >= 1.6, $"{speedUp:0.00} × faster")));
        }
    }

    public void Memory(JobFigures main, JobFigures small)
    {
        var growth = main.PeakRss - small.PeakRss;
        _rows.Add(("2 peak RSS of the server",
            $"{Megabytes(main.PeakRss)} during the {Megabytes(main.BytesIn)} job (ffmpeg: {Megabytes(main.PeakFfmpegRss)})",
            $"{Megabytes(small.PeakRss)} during the {Megabytes(small.BytesIn)} job (ffmpeg: {Megabytes(small.PeakFfmpegRss)})",
            "≤ 150 MB, and ≤ 20 MB above the small job",
            Verdict(main.PeakRss <= 150_000_000 && growth <= 20_000_000, $"+{growth / 1e6:0} MB")));
    }

    /// <summary>Figure 9: one row per job size, judged by the largest job against the smallest.</summary>
    public void MemoryBySize(IReadOnlyList<JobFigures> jobs)
    {
        foreach (var job in jobs)
        {
            var largest = job == jobs[^1] && jobs.Count > 1;
            var growth = job.PeakRss - jobs[0].PeakRss;
            _rows.Add(($"9 peak RSS, {Megabytes(job.BytesIn)} job",
                $"{Megabytes(job.PeakRss)} (ffmpeg: {Megabytes(job.PeakFfmpegRss)}); {Megabytes(job.OriginBytes)} from the media server ({job.OriginRatio:0.000} ×)",
                $"{Megabytes(job.IdleRss)} idle before it; {Seconds(job.Elapsed)}, {job.CpuSeconds:0.0} CPU s ({job.CpuSecondsPerGigabyte:0.0} per GB), {job.AllocatedPerMegabyte / 1e3:0} KB allocated per MB; shipped settings",
                largest ? $"≤ 150 MB, ≤ 20 MB above the {Megabytes(jobs[0].BytesIn)} job" : "report",
                largest ? Verdict(job.PeakRss <= 150_000_000 && growth <= 20_000_000, $"{Megabytes(job.PeakRss)}, +{growth / 1e6:0} MB") : "—"));
        }
    }

    /// <summary>
    /// Figure 10: the job's CPU by stage, per GB of streams, beside what /proc counted for the same job. Judged without
    /// the JIT: methods run once per part or per request reach the runtime's 30 calls for tier 1 only after about 30
    /// parts, so however the warm-up goes some of them are compiled again in the measured job (0.5 to 1.5 CPU s per
    /// process, once), which a service that has run for a day no longer pays.
    /// </summary>
    public void CpuByStage(string path, JobFigures job)
    {
        var profile = job.Profile!;
        var perGigabyte = 1e9 / job.BytesIn;
        var stages = string.Join(", ", CpuStages.All.Where(s => profile.SecondsByStage[s] > 0)
            .Select(s => $"{s} {profile.SecondsByStage[s] * perGigabyte:0.00}"));
        var warm = (profile.TotalSeconds - profile.SecondsByStage["JIT"]) * perGigabyte;
        _rows.Add(($"10 CPU by stage, {path}, {Megabytes(job.BytesIn)} job", $"{stages} (CPU s per GB); {warm:0.0} without the JIT",
            $"{profile.TotalSeconds * perGigabyte:0.0} CPU s per GB sampled ({job.CpuSecondsPerGigabyte:0.0} counted in /proc); {Seconds(job.Elapsed)}; "
            + $"{job.AllocatedPerMegabyte / 1e3:0} KB allocated per MB; peak RSS {Megabytes(job.PeakRss)}; the runtime compiled {job.JitMethods:0} methods in {job.JitSeconds:0.00} s; perf record -a -g, cpu-clock",
            "server + ffmpeg ≤ 3 CPU s per GB (warm: without the JIT)", Verdict(warm <= 3, $"{warm:0.0} CPU s per GB")));
    }

    public void Cpu(JobFigures job) =>
        _rows.Add(("3 CPU of server + ffmpeg", $"{job.CpuSecondsPerGigabyte:0.0} CPU s per GB; {job.AllocatedPerMegabyte / 1e3:0} KB allocated per MB; {job.JitMethods:0} methods compiled during the job",
            $"{job.CpuSeconds:0.0} CPU s over {Seconds(job.Elapsed)} on 2 cores; the S3 server (radosgw + OSD) used {job.S3ServerCpuSeconds:0.0} CPU s beside it",
            "≤ 3 CPU s per GB", Verdict(job.CpuSecondsPerGigabyte <= 3, $"{job.CpuSecondsPerGigabyte:0.0} CPU s per GB")));

    public void Concurrency(int jobs, double aggregateMegabytesPerSecond, Latencies fresh, Latencies cached)
    {
        var latency = $"GET /api/video new video p50 {fresh.Percentile(50):0.0} / p99 {fresh.Percentile(99):0.0} ms, "
            + $"seen video p50 {cached.Percentile(50):0.0} / p99 {cached.Percentile(99):0.0} ms ({fresh.Milliseconds.Count} each)";
        if (jobs == 0)
        {
            _rows.Add(("4 idle (reference)", "—", latency, "", ""));
            return;
        }
        var worst = Math.Max(fresh.Percentile(99), cached.Percentile(99));
        _rows.Add(($"4 {jobs} job{(jobs > 1 ? "s" : "")} of {Megabytes(settings.ConcurrentJobBytes)}",
            $"{aggregateMegabytesPerSecond:0.0} MB/s aggregate", latency,
            jobs == 4 ? "p99 < 50 ms" : "report",
            jobs == 4 ? Verdict(worst < 50, $"p99 {worst:0.0} ms") : "—"));
    }

    public void Metadata(bool cacheOn, int connections, WrkFigures? figures)
    {
        if (figures is null)
        {
            _rows.Add(($"5 metadata, cache {(cacheOn ? "on" : "off")}", "not measured: wrk is missing (bench/run.sh installs it)", "", "", "MISSED"));
            return;
        }
        var measured = $"{figures.RequestsPerSecond:0} req/s, p50 {figures.P50Ms:0.00} ms, p99 {figures.P99Ms:0.00} ms"
            + (figures.Errors > 0 ? $", {figures.Errors} errors" : "");
        _rows.Add(cacheOn
            ? ($"5 metadata, seen video (cache), {connections} connections", measured, $"wrk, 2 threads, {connections} connections, loopback",
                "≥ 5,000 req/s, p99 < 10 ms",
                Verdict(figures.RequestsPerSecond >= 5000 && figures.P99Ms < 10 && figures.Errors == 0, $"{figures.RequestsPerSecond:0} req/s, p99 {figures.P99Ms:0.0} ms"))
            : ($"5 metadata, cache off (reference), {connections} connections", measured, "same load, every request asks the origin", "", ""));
    }

    public void MemoryUnderLoad(StreamLoadFigures load) =>
        _rows.Add(($"8 {load.Streams} event streams + {load.Jobs} job requests at once",
            $"peak RSS {Megabytes(load.PeakRss)}",
            $"{Megabytes(load.IdleRss)} idle before; {load.Events} events, all {load.Jobs} jobs done in {Seconds(load.Elapsed)}",
            "≤ 150 MB (issue 13's bound)",
            Verdict(load.PeakRss <= 150_000_000, Megabytes(load.PeakRss))));

    public void Micro(IReadOnlyList<MicroFigure> figures)
    {
        if (figures.Count == 0)
            _rows.Add(("6 micro", "not run (bench/run.sh runs bench/YtDownloader.MicroBenchmarks)", "", "", ""));
        foreach (var figure in figures)
            _rows.Add(($"6 {figure.Name}", $"{Nanoseconds(figure.MeanNs)} per call, {figure.AllocatedBytes:N0} B allocated", "BenchmarkDotNet", "report", "—"));
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine($"Size {settings.Size}; {Environment.ProcessorCount} cores; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        text.AppendLine("| Figure | Measured | Reference (same run) | Target | Verdict |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var row in _rows.Append(new Row("7 browser", "see browser bench", "", "", "")))
            text.AppendLine($"| {row.Figure} | {row.Measured} | {row.Reference} | {row.Target} | {row.Verdict} |");
        return text.ToString();
    }

    private sealed record Row(string Figure, string Measured, string Reference, string Target, string Verdict)
    {
        public static implicit operator Row((string, string, string, string, string) row) => new(row.Item1, row.Item2, row.Item3, row.Item4, row.Item5);
    }

    private static string Verdict(bool met, string figure) => $"{(met ? "met" : "MISSED")} ({figure})";
    private static string Seconds(TimeSpan t) => $"{t.TotalSeconds:0.0} s";
    private static string Megabytes(long bytes) => $"{bytes / 1e6:0} MB";
    private static string Nanoseconds(double ns) => ns >= 1000 ? $"{ns / 1000:0.0} µs" : $"{ns:0} ns";
}
