namespace YtDownloader.Sources.Invidious;

public sealed class InvidiousOptions
{
    public const string Section = "Invidious";

    /// <summary>Instances tried in order after YouTube, e.g. <c>https://inv.example</c>. None by default.</summary>
    public List<Uri> Instances { get; set; } = [];
}
