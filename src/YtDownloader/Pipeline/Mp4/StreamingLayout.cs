using System.Buffers.Binary;

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
    public static async Task<bool> MoovComesFirstAsync(Stream source, CancellationToken cancellationToken)
    {
        var header = new byte[16];
        var position = 0L;
        while (position < MostBytesBeforeMoov)
        {
            if (!await TryReadAsync(source, header.AsMemory(0, 8), cancellationToken))
                return false;
            var size = (long)BinaryPrimitives.ReadUInt32BigEndian(header);
            var type = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
            var headerSize = 8;
            if (size == 1)
            {
                if (!await TryReadAsync(source, header.AsMemory(8, 8), cancellationToken))
                    return false;
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(8));
                headerSize = 16;
            }
            if (type == BoxType.Moov)
                return true;
            // Media before the index; or a box of size 0, which runs to the end of the file, so no moov follows it.
            if (type is BoxType.Mdat or BoxType.Moof || size < headerSize || position + size > MostBytesBeforeMoov)
                return false;
            if (!await TrySkipAsync(source, size - headerSize, cancellationToken))
                return false;
            position += size;
        }
        return false;
    }

    private static async Task<bool> TryReadAsync(Stream source, Memory<byte> into, CancellationToken cancellationToken) =>
        await source.ReadAtLeastAsync(into, into.Length, throwOnEndOfStream: false, cancellationToken) == into.Length;

    private static async Task<bool> TrySkipAsync(Stream source, long count, CancellationToken cancellationToken)
    {
        var scratch = new byte[(int)Math.Min(count, 4096)];
        for (; count > 0; count -= scratch.Length)
        {
            if (!await TryReadAsync(source, scratch.AsMemory(0, (int)Math.Min(count, scratch.Length)), cancellationToken))
                return false;
        }
        return true;
    }
}
