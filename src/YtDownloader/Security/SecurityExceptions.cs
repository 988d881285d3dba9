namespace YtDownloader.Security;

/// <summary>The server refused to contact a host that is neither YouTube, its media hosts, nor a configured source.</summary>
public sealed class OutboundRequestRefusedException(string message) : YtDownloaderException(ErrorCategory.UpstreamFailed, message)
{
    public override string Title => "Refused to contact a host";
}
