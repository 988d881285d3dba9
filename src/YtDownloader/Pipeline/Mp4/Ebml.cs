using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace YtDownloader.Pipeline.Mp4;

/// <summary>The Matroska element IDs the merge reads (as the specification writes them, length marker included).</summary>
internal static class EbmlId
{
    public const uint Header = 0x1A45DFA3, DocType = 0x4282, DocReadVersion = 0x4285, MaxIdLength = 0x42F2, MaxSizeLength = 0x42F3;
    public const uint Segment = 0x18538067, SeekHead = 0x114D9B74, Info = 0x1549A966, Tracks = 0x1654AE6B, Cues = 0x1C53BB6B;
    public const uint Tags = 0x1254C367, Chapters = 0x1043A770, Attachments = 0x1941A469, Cluster = 0x1F43B675;
    public const uint Void = 0xEC, Crc32 = 0xBF;
    public const uint TimecodeScale = 0x2AD7B1, Duration = 0x4489;
    public const uint TrackEntry = 0xAE, TrackNumber = 0xD7, TrackType = 0x83, CodecId = 0x86, CodecPrivate = 0x63A2;
    public const uint DefaultDuration = 0x23E383, ContentEncodings = 0x6D80;
    public const uint Video = 0xE0, PixelWidth = 0xB0, PixelHeight = 0xBA, DisplayWidth = 0x54B0, DisplayHeight = 0x54BA, DisplayUnit = 0x54B2;
    public const uint StereoMode = 0x53B8, Projection = 0x7670;
    public const uint Colour = 0x55B0, MatrixCoefficients = 0x55B1, ChromaSitingHorz = 0x55B7, ChromaSitingVert = 0x55B8, Range = 0x55B9;
    public const uint TransferCharacteristics = 0x55BA, Primaries = 0x55BB, MaxCll = 0x55BC, MaxFall = 0x55BD, MasteringMetadata = 0x55D0;
    public const uint Timecode = 0xE7, Position = 0xA7, PrevSize = 0xAB, SimpleBlock = 0xA3, BlockGroup = 0xA0, Block = 0xA1;
    public const uint ReferenceBlock = 0xFB, BlockAdditions = 0x75A1;

    /// <summary>The elements a Segment holds at its top: one of these ends a Cluster whose size is unknown.</summary>
    public static bool IsSegmentChild(uint id) =>
        id is SeekHead or Info or Tracks or Cues or Tags or Chapters or Attachments or Cluster;
}

/// <summary>One element inside a buffer: its ID, where its data starts and how long it is.</summary>
internal readonly record struct EbmlSpan(uint Id, int DataStart, int Size)
{
    public int End => DataStart + Size;

    /// <summary>The elements one after another in <c>data[start..end]</c>; one that would leave the range, or of unknown size, is refused.</summary>
    public static List<EbmlSpan> Children(ReadOnlySpan<byte> data, int start, int end)
    {
        var elements = new List<EbmlSpan>();
        while (start < end)
        {
            var (id, idLength) = Ebml.ReadId(data[start..end]);
            var (size, sizeLength) = Ebml.ReadSize(data[(start + idLength)..end]);
            var dataStart = start + idLength + sizeLength;
            if (size is not { } known || known > end - dataStart)
                throw new Mp4LayoutException($"The WebM element {id:X} claims {(size?.ToString() ?? "an unknown size")} where {end - dataStart} bytes are left.");
            elements.Add(new EbmlSpan(id, dataStart, (int)known));
            start = dataStart + (int)known;
        }
        return elements;
    }

    public static EbmlSpan? Single(List<EbmlSpan> elements, uint id)
    {
        EbmlSpan? found = null;
        foreach (var element in elements)
        {
            if (element.Id != id)
                continue;
            if (found is not null)
                throw new Mp4LayoutException($"More than one WebM element {id:X} where the merge reads one.");
            found = element;
        }
        return found;
    }
}

/// <summary>EBML's variable-length numbers and its element values (RFC 8794), read from bytes in memory.</summary>
internal static class Ebml
{
    /// <summary>An element ID: one to four bytes, the length marker kept.</summary>
    public static (uint Id, int Length) ReadId(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
            throw new Mp4LayoutException("A WebM element is cut short before its ID.");
        var length = BitOperations.LeadingZeroCount((uint)data[0]) - 23;
        if (data[0] == 0 || length > 4)
            throw new Mp4LayoutException($"A byte {data[0]:X2} where a WebM element ID should start.");
        if (data.Length < length)
            throw new Mp4LayoutException("A WebM element is cut short inside its ID.");
        var id = 0u;
        for (var i = 0; i < length; i++)
            id = (id << 8) | data[i];
        return (id, length);
    }

    /// <summary>A data size or a block's track number: one to eight bytes, the marker dropped; null for "unknown" (every value bit set).</summary>
    public static (long? Value, int Length) ReadSize(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
            throw new Mp4LayoutException("A WebM element is cut short before its size.");
        var length = BitOperations.LeadingZeroCount((uint)data[0]) - 23;
        if (data[0] == 0)
            throw new Mp4LayoutException("A WebM size longer than eight bytes.");
        if (data.Length < length)
            throw new Mp4LayoutException("A WebM element is cut short inside its size.");
        var value = (ulong)(data[0] & (0xFF >> length));
        for (var i = 1; i < length; i++)
            value = (value << 8) | data[i];
        var unknown = (1UL << (7 * length)) - 1;
        return (value == unknown ? null : (long)value, length);
    }

    public static ulong UInt(ReadOnlySpan<byte> data, EbmlSpan element)
    {
        if (element.Size > 8)
            throw new Mp4LayoutException($"The WebM number {element.Id:X} takes {element.Size} bytes.");
        var value = 0UL;
        foreach (var b in data.Slice(element.DataStart, element.Size))
            value = (value << 8) | b;
        return value;
    }

    public static double Float(ReadOnlySpan<byte> data, EbmlSpan element) => element.Size switch
    {
        0 => 0,
        4 => BinaryPrimitives.ReadSingleBigEndian(data.Slice(element.DataStart, 4)),
        8 => BinaryPrimitives.ReadDoubleBigEndian(data.Slice(element.DataStart, 8)),
        _ => throw new Mp4LayoutException($"The WebM float {element.Id:X} takes {element.Size} bytes."),
    };

    public static string Text(ReadOnlySpan<byte> data, EbmlSpan element) =>
        Encoding.UTF8.GetString(data.Slice(element.DataStart, element.Size)).TrimEnd('\0');

    public static ulong? UIntOf(ReadOnlySpan<byte> data, List<EbmlSpan> elements, uint id) =>
        EbmlSpan.Single(elements, id) is { } element ? UInt(data, element) : null;
}

/// <summary>An element's header as read from a stream: its ID, its data size (null when unknown) and the header's own length.</summary>
internal readonly record struct EbmlHeader(uint Id, long? Size, int HeaderLength);

/// <summary>
/// Reads a WebM stream front to back through a buffer of its own: element headers and block headers come a few bytes
/// at a time, and asking the session for each would cost a call per field; a block's payload larger than what is
/// buffered goes straight from the session into its destination.
/// </summary>
internal sealed class EbmlReader(Stream source)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _sourceEnded;

    /// <summary>Where the next byte handed out sits in the stream.</summary>
    public long Position { get; private set; }

    /// <summary>The bytes taken from the stream so far, buffered or handed out.</summary>
    public long Taken { get; private set; }

    /// <summary>Told of each read from the stream, once the merged file is being written; before that, <see cref="Taken"/> counts them.</summary>
    public Action<int>? OnTaken { get; set; }

    /// <summary>The next element's header, or null at the end of the stream.</summary>
    public async ValueTask<EbmlHeader?> NextAsync(CancellationToken cancellationToken)
    {
        if (await FillAsync(12, cancellationToken) == 0)
            return null;
        var span = _buffer.AsSpan(_start, _end - _start);
        var (id, idLength) = Ebml.ReadId(span);
        var (size, sizeLength) = Ebml.ReadSize(span[idLength..]);
        Advance(idLength + sizeLength);
        return new EbmlHeader(id, size, idLength + sizeLength);
    }

    /// <summary>The first bytes of an element's data, still to be consumed (at most <paramref name="count"/>, fewer at the stream's end).</summary>
    public async ValueTask<ReadOnlyMemory<byte>> PeekAsync(int count, CancellationToken cancellationToken)
    {
        var available = await FillAsync(count, cancellationToken);
        return _buffer.AsMemory(_start, Math.Min(count, available));
    }

    public void Advance(int count)
    {
        _start += count;
        Position += count;
    }

    /// <summary>An element's whole data, for the small ones read as a tree (Info, Tracks, a BlockGroup).</summary>
    public async ValueTask<byte[]> ReadDataAsync(EbmlHeader element, int most, CancellationToken cancellationToken)
    {
        if (element.Size is not { } size || size > most)
            throw new Mp4LayoutException($"A WebM element {element.Id:X} of {(element.Size?.ToString() ?? "unknown size")}, more than the merge reads whole.");
        var data = new byte[size];
        await ReadExactlyAsync(data, cancellationToken);
        return data;
    }

    public async ValueTask ReadExactlyAsync(Memory<byte> into, CancellationToken cancellationToken)
    {
        var buffered = Math.Min(into.Length, _end - _start);
        _buffer.AsMemory(_start, buffered).CopyTo(into);
        Advance(buffered);
        into = into[buffered..];
        while (into.Length > 0)
        {
            if (into.Length < _buffer.Length / 2)
            {
                if (await FillAsync(into.Length, cancellationToken) < into.Length)
                    throw Truncated();
                _buffer.AsMemory(_start, into.Length).CopyTo(into);
                Advance(into.Length);
                return;
            }
            var read = await source.ReadAsync(into, cancellationToken);
            if (read == 0)
                throw Truncated();
            Took(read);
            Position += read;
            into = into[read..];
        }
    }

    public async ValueTask SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_start == _end && await FillAsync(1, cancellationToken) == 0)
                throw Truncated();
            var take = (int)Math.Min(count, _end - _start);
            Advance(take);
            count -= take;
        }
    }

    /// <summary>Reads until at least <paramref name="count"/> bytes are buffered or the stream ends; the bytes buffered.</summary>
    private async ValueTask<int> FillAsync(int count, CancellationToken cancellationToken)
    {
        if (_end - _start >= count || _sourceEnded)
            return _end - _start;
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        while (_end < count)
        {
            var read = await source.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                _sourceEnded = true;
                break;
            }
            Took(read);
            _end += read;
        }
        return _end;
    }

    private void Took(int count)
    {
        Taken += count;
        OnTaken?.Invoke(count);
    }

    private DownloadException Truncated() => new($"The WebM stream ended inside an element, at byte {Position}.");
}
