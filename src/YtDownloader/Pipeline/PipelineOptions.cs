namespace YtDownloader.Pipeline;

public sealed class PipelineOptions
{
    public const string Section = "Pipeline";

    /// <summary>
    /// Bytes asked for per ranged request; googlevideo serves large unranged requests slowly. Each range in flight
    /// holds up to this much, so memory per stream is about this times <see cref="ParallelRanges"/>. 2 MiB: half
    /// the memory of 4 MiB with the same speed in the bench (docs/benchmarks.md, figure 9), 500 requests per GB.
    /// </summary>
    public long ChunkSize { get; set; } = 2 * 1024 * 1024;

    /// <summary>Ranges of one stream fetched at once: a distant media server paces each connection, not the sum.</summary>
    public int ParallelRanges { get; set; } = 4;

    /// <summary>How long a response may send nothing before it is given up on and asked for again.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts per chunk after a failure before the download gives up.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>The first retry's delay; each next one doubles it.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);
}

public sealed class FfmpegOptions
{
    public const string Section = "Ffmpeg";

    /// <summary>The ffmpeg executable: a path, or a name looked up on PATH.</summary>
    public string Path { get; set; } = "ffmpeg";
}
