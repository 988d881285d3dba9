namespace YtDownloader.Security;

/// <summary>The server refused to contact a host that is neither YouTube, its media hosts, nor a configured source.</summary>
public sealed class OutboundRequestRefusedException(string message) : YtDownloaderException(ErrorCategory.UpstreamFailed, message)
{
    public override string Title => "Refused to contact a host";
}

/// <summary>A client asked more than its share in the window; the message is one sentence, shown to the user as it is.</summary>
public sealed class TooManyRequestsException(int seconds) : YtDownloaderException(ErrorCategory.Busy, Sentence(seconds))
{
    public const string Heading = "Too many requests";

    public static string Sentence(int seconds) => $"Too many requests from this client: try again in {seconds} s.";

    public override string Title => Heading;
    public override TimeSpan? RetryAfter { get; } = TimeSpan.FromSeconds(seconds);
}
