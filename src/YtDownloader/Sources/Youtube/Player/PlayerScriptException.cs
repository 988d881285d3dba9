namespace YtDownloader.Sources.Youtube.Player;

/// <summary>
/// The player's JavaScript could not be prepared, or it failed to decipher a signature or transform an <c>n</c>
/// parameter. Usually means YouTube changed the player in a way this code does not understand yet.
/// </summary>
public sealed class PlayerScriptException(string message, Exception? inner = null)
    : YtDownloaderException(ErrorCategory.UpstreamFailed, message, inner)
{
    public override string Title => "YouTube could not be reached";
}
