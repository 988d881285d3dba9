namespace YtDownloader.Pipeline;

public sealed class PipelineOptions
{
    public const string Section = "Pipeline";

    /// <summary>Bytes asked for per ranged request; googlevideo serves large unranged requests slowly.</summary>
    public long ChunkSize { get; set; } = 10 * 1024 * 1024;

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
