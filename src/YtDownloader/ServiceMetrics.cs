using System.Diagnostics.Metrics;

namespace YtDownloader;

/// <summary>
/// The service's own instruments (meter <c>YtDownloader</c>), exported at <c>/metrics</c> with ASP.NET Core's and the
/// runtime's. They depend on nothing of ours, so every folder can record into them.
/// </summary>
public static class ServiceMetrics
{
    public const string MeterName = "YtDownloader";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> JobsEnded = Meter.CreateCounter<long>(
        "ytdownloader.jobs.ended", "{job}", "Jobs that ended, by outcome: done, reused, failed, cancelled.");

    private static readonly Histogram<double> JobDuration = Meter.CreateHistogram<double>(
        "ytdownloader.jobs.duration", "s", "From a job's start to its end, by outcome.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600] });

    private static readonly Counter<long> BytesDownloaded = Meter.CreateCounter<long>(
        "ytdownloader.bytes.downloaded", "By", "Bytes of the media streams read for jobs that ended.");

    private static readonly Counter<long> BytesStored = Meter.CreateCounter<long>(
        "ytdownloader.bytes.stored", "By", "Bytes that reached storage for jobs that ended.");

    private static readonly Counter<long> SourceAttempts = Meter.CreateCounter<long>(
        "ytdownloader.source.attempts", "{attempt}", "Lookups of a video, by source, client and outcome (ok, failed).");

    private static readonly Counter<long> FfmpegFailures = Meter.CreateCounter<long>(
        "ytdownloader.ffmpeg.failures", "{run}", "ffmpeg runs that failed.");

    private static readonly Counter<long> S3PartRetries = Meter.CreateCounter<long>(
        "ytdownloader.s3.part_retries", "{part}", "Parts of multipart uploads sent again after a failed try.");

    /// <summary>A job reached an end; its outcome, duration and bytes are counted once, there.</summary>
    public static void JobEnded(string outcome, TimeSpan? duration, long downloaded, long stored)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        JobsEnded.Add(1, tag);
        if (duration is { } d)
            JobDuration.Record(d.TotalSeconds, tag);
        BytesDownloaded.Add(downloaded);
        BytesStored.Add(stored);
    }

    public static void SourceAttempt(string source, string? client, bool succeeded) =>
        SourceAttempts.Add(1,
            new KeyValuePair<string, object?>("source", source),
            new KeyValuePair<string, object?>("client", client ?? ""),
            new KeyValuePair<string, object?>("outcome", succeeded ? "ok" : "failed"));

    public static void FfmpegFailed() => FfmpegFailures.Add(1);

    public static void S3PartRetried() => S3PartRetries.Add(1);

    private static Func<int> _waiting = () => 0;

    private static readonly ObservableGauge<int> JobsWaiting = Meter.CreateObservableGauge(
        "ytdownloader.jobs.waiting", () => _waiting(), "{job}", "Jobs waiting for a slot.");

    /// <summary>Tells how to count the jobs waiting for a slot; read when metrics are collected.</summary>
    public static void ObserveQueue(Func<int> waiting) => _waiting = waiting;
}
