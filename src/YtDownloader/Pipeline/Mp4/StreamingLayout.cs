namespace YtDownloader.Pipeline.Mp4;

/// <summary>
/// Whether an MP4 can be read front to back without a seek: its moov (the index a demuxer needs before any sample)
/// comes before its media. YouTube's DASH streams and its muxed MP4s are laid out so; a file with the moov at the end
/// is not.
/// </summary>
public static class StreamingLayout
{
    // What comes before a moov is a few dozen bytes (ftyp, free); a file without its moov by then is not one to stream.
    private const long MostBytesBeforeMoov = 64 * 1024;

    /// <summary>Reads top-level box headers from the start of <paramref name="source"/> until the moov or the media.</summary>
    public static async Task<bool> MoovComesFirstAsync(Stream source, long length, CancellationToken cancellationToken)
    {
        var boxes = new TopLevelBoxReader(source, length, cancellationToken);
        try
        {
            while (boxes.Position < MostBytesBeforeMoov)
            {
                var box = await boxes.NextAsync();
                if (box.Type == BoxType.Moov)
                    return true;
                if (box.Type is BoxType.Mdat or BoxType.Moof || boxes.Position - box.HeaderSize + box.Size > MostBytesBeforeMoov)
                    return false;
                await boxes.SkipAsync(box.Size - box.HeaderSize);
            }
            return false;
        }
        catch (Mp4LayoutException)
        {
            // A box of size 0 (to the end of the file, so no moov after it), one smaller than its header, or the file
            // ending before its moov.
            return false;
        }
    }
}
