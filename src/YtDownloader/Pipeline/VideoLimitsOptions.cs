namespace YtDownloader.Pipeline;

/// <summary>
/// The longest and largest video this server takes; bound from the <c>Limits</c> section with the request limits
/// (which Security reads), so that the settings keep their names while each folder reads only its own.
/// </summary>
public sealed class VideoLimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Longest video accepted; longer ones are refused before anything is downloaded.</summary>
    public double MaxDurationMinutes { get; set; } = 240;

    /// <summary>Largest download accepted (video plus audio), 20 GB by default.</summary>
    public long MaxBytes { get; set; } = 20_000_000_000;
}
