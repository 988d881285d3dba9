using System.Buffers.Binary;

namespace YtDownloader.Pipeline.Mp4;

/// <summary>A top-level box's header as read from a stream: its type, whole size, and header size (8, or 16 with a 64-bit size).</summary>
internal readonly record struct BoxHeader(uint Type, long Size, int HeaderSize);

/// <summary>
/// Reads an MP4's top-level boxes front to back from a stream of known length: headers, whole boxes, or skips.
/// Whatever does not fit the stream (a box past its end, a size smaller than its header, the stream ending inside a
/// box) is an <see cref="Mp4LayoutException"/> saying so.
/// </summary>
internal sealed class TopLevelBoxReader(Stream source, long length, CancellationToken cancellationToken)
{
    private readonly byte[] _header = new byte[16];

    /// <summary>The bytes read so far: where the next box starts once the current one is read or skipped.</summary>
    public long Position { get; private set; }

    public async Task<BoxHeader> NextAsync()
    {
        if (length - Position < 8)
            throw new Mp4LayoutException($"The stream ends at byte {length}, inside its head.");
        await ReadAsync(_header.AsMemory(0, 8));
        var size = (long)BinaryPrimitives.ReadUInt32BigEndian(_header);
        var type = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(4));
        var headerSize = 8;
        if (size == 1)
        {
            await ReadAsync(_header.AsMemory(8, 8));
            size = (long)BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(8));
            headerSize = 16;
        }
        if (size < headerSize)
            throw new Mp4LayoutException($"A {BoxType.NameOf(type)} box of {size} bytes at the top level.");
        if (Position - headerSize + size > length)
            throw new Mp4LayoutException($"The {BoxType.NameOf(type)} box ends past the stream's {length} bytes.");
        return new BoxHeader(type, size, headerSize);
    }

    /// <summary>The box whose header <see cref="NextAsync"/> just read, whole, header included.</summary>
    public async Task<byte[]> WholeAsync(BoxHeader box, int most)
    {
        if (box.Size > most)
            throw new Mp4LayoutException($"A {BoxType.NameOf(box.Type)} box of {box.Size} bytes, more than a DASH head has.");
        var bytes = new byte[box.Size];
        _header.AsSpan(0, box.HeaderSize).CopyTo(bytes);
        await ReadAsync(bytes.AsMemory(box.HeaderSize));
        return bytes;
    }

    public async Task SkipAsync(long count)
    {
        var scratch = new byte[(int)Math.Min(count, 64 * 1024)];
        for (; count > 0; count -= scratch.Length)
            await ReadAsync(scratch.AsMemory(0, (int)Math.Min(count, scratch.Length)));
    }

    private async Task ReadAsync(Memory<byte> into)
    {
        try
        {
            await source.ReadExactlyAsync(into, cancellationToken);
        }
        catch (EndOfStreamException)
        {
            throw new Mp4LayoutException($"The stream ends inside its head, before byte {Position + into.Length}.");
        }
        Position += into.Length;
    }
}
