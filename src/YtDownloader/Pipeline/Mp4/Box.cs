using System.Buffers.Binary;
using System.Text;

namespace YtDownloader.Pipeline.Mp4;

/// <summary>The four-character box types the merge reads or writes (ISO/IEC 14496-12, and Apple's for the tags).</summary>
internal static class BoxType
{
    public const uint Ftyp = 0x66747970, Moov = 0x6d6f6f76, Mvhd = 0x6d766864, Trak = 0x7472616b, Tkhd = 0x746b6864;
    public const uint Edts = 0x65647473, Elst = 0x656c7374, Mdia = 0x6d646961, Mdhd = 0x6d646864, Hdlr = 0x68646c72;
    public const uint Minf = 0x6d696e66, Stbl = 0x7374626c, Stsd = 0x73747364, Stsz = 0x7374737a, Mvex = 0x6d766578;
    public const uint Mehd = 0x6d656864, Trex = 0x74726578, Udta = 0x75647461, Meta = 0x6d657461, Ilst = 0x696c7374;
    public const uint Sidx = 0x73696478, Moof = 0x6d6f6f66, Mfhd = 0x6d666864, Traf = 0x74726166, Tfhd = 0x74666864;
    public const uint Mdat = 0x6d646174, Free = 0x66726565, Skip = 0x736b6970, Chpl = 0x6368706c, Data = 0x64617461;
    public const uint Covr = 0x636f7672, Desc = 0x64657363;
    public const uint Name = 0xa96e616d, Artist = 0xa9415254, Day = 0xa9646179, Comment = 0xa9636d74;
    public const uint Vide = 0x76696465, Soun = 0x736f756e, Avc1 = 0x61766331, Mp4a = 0x6d703461, Mdir = 0x6d646972;
    public const uint Av01 = 0x61763031, Vp09 = 0x76703039, Vpcc = 0x76706343, Opus = 0x4f707573, Dops = 0x644f7073;
    public const uint Tfdt = 0x74666474, Trun = 0x7472756e, Vmhd = 0x766d6864, Smhd = 0x736d6864, Dinf = 0x64696e66;
    public const uint Dref = 0x64726566, Url = 0x75726c20, Stts = 0x73747473, Stsc = 0x73747363, Stco = 0x7374636f;

    public static string NameOf(uint type)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, type);
        return Encoding.Latin1.GetString(bytes);
    }
}

/// <summary>One box inside a buffer: its type, where it starts, its header's size and its whole size.</summary>
internal readonly record struct Box(uint Type, int Start, int HeaderSize, int Size)
{
    public int BodyStart => Start + HeaderSize;
    public int End => Start + Size;

    /// <summary>The boxes one after another in <c>data[start..end]</c>; a box that would leave the range is refused.</summary>
    public static List<Box> Children(ReadOnlySpan<byte> data, int start, int end)
    {
        var boxes = new List<Box>();
        while (start < end)
        {
            if (end - start < 8)
                throw new Mp4LayoutException($"{end - start} stray bytes where an MP4 box should start.");
            var size = (long)BinaryPrimitives.ReadUInt32BigEndian(data[start..]);
            var type = BinaryPrimitives.ReadUInt32BigEndian(data[(start + 4)..]);
            var header = 8;
            if (size == 1)
            {
                if (end - start < 16)
                    throw new Mp4LayoutException($"The {BoxType.NameOf(type)} box is cut short.");
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(data[(start + 8)..]);
                header = 16;
            }
            else if (size == 0)
            {
                size = end - start;
            }
            if (size < header || size > end - start)
                throw new Mp4LayoutException($"The {BoxType.NameOf(type)} box claims {size} bytes where {end - start} are left.");
            boxes.Add(new Box(type, start, header, (int)size));
            start += (int)size;
        }
        return boxes;
    }

    /// <summary>The only child of this type, or null; a second one is refused (the merge carries one of each).</summary>
    public static Box? Single(List<Box> boxes, uint type)
    {
        Box? found = null;
        foreach (var box in boxes)
        {
            if (box.Type != type)
                continue;
            if (found is not null)
                throw new Mp4LayoutException($"More than one {BoxType.NameOf(type)} box.");
            found = box;
        }
        return found;
    }

    public static Box Required(List<Box> boxes, uint type, string where) =>
        Single(boxes, type) ?? throw new Mp4LayoutException($"No {BoxType.NameOf(type)} box in the {where}.");
}
