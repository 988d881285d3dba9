using System.Buffers.Binary;
using System.Text;

namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>
/// Rewrites of a DASH file made by ffmpeg (one fragment per subsegment of its sidx, ISO/IEC 14496-12 8.16.3) into
/// layouts YouTube's streams may have and ffmpeg does not write. Each moves nothing but by the bytes it adds or
/// removes: the DASH layout counts every data offset from its moof.
/// </summary>
public static class SegmentIndexEdits
{
    /// <summary>Each sidx reference: the referenced size (4 bytes, with the reference type bit), the duration, the SAP.</summary>
    private const int ReferenceBytes = 12;

    /// <summary>
    /// Puts a box of <paramref name="type"/> (e.g. an <c>emsg</c> event message, which DASH streams may carry between
    /// fragments) before the moof of fragment <paramref name="fragment"/>, and makes its subsegment that much longer.
    /// </summary>
    public static byte[] InsertBoxBeforeFragment(byte[] file, int fragment, string type, int payloadBytes)
    {
        var boxes = TopLevelBoxes(file);
        var index = SegmentIndex.Of(file, boxes);
        if (index.Count != boxes.Count(b => b.Type == "moof"))
            throw new InvalidOperationException("The file does not index one fragment per subsegment.");
        var moof = boxes.Where(b => b.Type == "moof").ElementAt(fragment);
        var edited = file.ToArray();
        var reference = edited.AsSpan(index.References + ReferenceBytes * fragment);
        BinaryPrimitives.WriteUInt32BigEndian(reference, BinaryPrimitives.ReadUInt32BigEndian(reference) + 8 + (uint)payloadBytes);

        var box = new byte[8 + payloadBytes];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)box.Length);
        Encoding.ASCII.GetBytes(type, box.AsSpan(4));
        return [.. edited.AsSpan(0, moof.Start), .. box, .. edited.AsSpan(moof.Start)];
    }

    /// <summary>
    /// Makes the sidx's first two references one (sizes and durations added, the first one's SAP kept), so that the
    /// first subsegment holds two moof + mdat pairs; the sidx is 12 bytes shorter.
    /// </summary>
    public static byte[] JoinFirstTwoSubsegments(byte[] file)
    {
        var index = SegmentIndex.Of(file, TopLevelBoxes(file));
        if (index.Count < 3)
            throw new InvalidOperationException($"The sidx has {index.Count} references; joining two needs at least 3 to leave a file of several subsegments.");
        var first = file.AsSpan(index.References);
        var second = first[ReferenceBytes..];
        var joined = new byte[index.Size - ReferenceBytes];
        file.AsSpan(index.Start, index.References - index.Start).CopyTo(joined);
        BinaryPrimitives.WriteUInt32BigEndian(joined, (uint)joined.Length);
        var at = index.References - index.Start;
        BinaryPrimitives.WriteUInt16BigEndian(joined.AsSpan(at - 2), (ushort)(index.Count - 1));
        BinaryPrimitives.WriteUInt32BigEndian(joined.AsSpan(at),
            BinaryPrimitives.ReadUInt32BigEndian(first) + BinaryPrimitives.ReadUInt32BigEndian(second));
        BinaryPrimitives.WriteUInt32BigEndian(joined.AsSpan(at + 4),
            BinaryPrimitives.ReadUInt32BigEndian(first[4..]) + BinaryPrimitives.ReadUInt32BigEndian(second[4..]));
        first[8..ReferenceBytes].CopyTo(joined.AsSpan(at + 8));
        file.AsSpan(index.References + 2 * ReferenceBytes, index.Start + index.Size - index.References - 2 * ReferenceBytes)
            .CopyTo(joined.AsSpan(at + ReferenceBytes));
        return [.. file.AsSpan(0, index.Start), .. joined, .. file.AsSpan(index.Start + index.Size)];
    }

    private static List<(string Type, int Start, int Size)> TopLevelBoxes(byte[] file)
    {
        var boxes = new List<(string Type, int Start, int Size)>();
        for (var at = 0; at < file.Length;)
        {
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at));
            boxes.Add((Encoding.ASCII.GetString(file, at + 4, 4), at, size));
            at += size;
        }
        return boxes;
    }

    /// <summary>Where the sidx is, where its references start and how many there are.</summary>
    private readonly record struct SegmentIndex(int Start, int Size, int References, int Count)
    {
        public static SegmentIndex Of(byte[] file, List<(string Type, int Start, int Size)> boxes)
        {
            var sidx = boxes.Single(b => b.Type == "sidx");
            // The box header, then version 0 or 1: the reference ID, timescale, earliest time and first offset (4 or 8
            // bytes each), 2 reserved, the count.
            var references = sidx.Start + 8 + (file[sidx.Start + 8] == 1 ? 32 : 24);
            return new(sidx.Start, sidx.Size, references, BinaryPrimitives.ReadUInt16BigEndian(file.AsSpan(references - 2)));
        }
    }
}
