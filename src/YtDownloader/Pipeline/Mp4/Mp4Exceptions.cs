namespace YtDownloader.Pipeline.Mp4;

/// <summary>
/// A stream is not laid out the way our own merge expects (YouTube's DASH fragmented MP4, or its WebM of VP9 or
/// Opus). Met in a stream's head, it sends the job to ffmpeg; met in a fragment, after the file has begun, the file
/// is thrown away and ffmpeg makes it again from the start: never a wrong file.
/// </summary>
public sealed class Mp4LayoutException(string message)
    : YtDownloaderException(ErrorCategory.UpstreamFailed, message)
{
    public override string Title => "Download failed";
}
