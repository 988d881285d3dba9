using System.Buffers.Binary;

namespace YtDownloader.Pipeline.Mp4;

/// <summary>
/// The one track of a DASH stream, as its moov describes it: the trak and trex boxes as they came, with where the
/// fields the merge rewrites sit in them, and what the track holds.
/// </summary>
/// <param name="Handler"><see cref="BoxType.Vide"/> or <see cref="BoxType.Soun"/>.</param>
/// <param name="Codec">The sample entry: <see cref="BoxType.Avc1"/>, <see cref="BoxType.Av01"/> or <see cref="BoxType.Mp4a"/>.</param>
/// <param name="MovieTimescale">The timescale of the stream's own mvhd, which its edit list counts in.</param>
public sealed record DashTrack(
    byte[] Trak, byte[] Trex, uint TrackId, uint Timescale, uint Handler, uint Codec, uint MovieTimescale, TrakFields Fields);

/// <summary>Offsets in <see cref="DashTrack.Trak"/> of the fields a merge rewrites (-1: the stream has no edit list).</summary>
public sealed record TrakFields(int TrackId, int Duration, bool LongDuration, int EditDuration, bool LongEditDuration);

/// <summary>One entry of the sidx: a run of fragments (moof + mdat) at <paramref name="Offset"/> in the stream, times in the sidx's timescale.</summary>
public sealed record Subsegment(long Offset, long Size, long Duration, long EarliestPresentationTime);

/// <summary>
/// What the head of a DASH stream says: its track, every subsegment the sidx indexes, where they start, the stream's
/// length, and the first moof, read to check that fragments are laid out as expected (it comes first in the merge).
/// </summary>
public sealed record DashHead(
    DashTrack Track, uint SidxTimescale, IReadOnlyList<Subsegment> Subsegments, long FragmentsStart, long Length, byte[] FirstMoof)
{
    /// <summary>The bytes before the first fragment, and the first moof: what reading the head consumed.</summary>
    public long HeadBytes => FragmentsStart + FirstMoof.Length;

    /// <summary>The track's duration, in the sidx's timescale.</summary>
    public long Duration => Subsegments.Sum(s => s.Duration);
}

/// <summary>
/// Reads the head of a DASH fragmented MP4 from the stream's first bytes, the shape of YouTube's H.264 and AAC streams:
/// ftyp, moov (one trak, mvex/trex, no samples), sidx indexing every subsegment to the end of the file, then the
/// fragments. Anything else is an <see cref="Mp4LayoutException"/> saying what differs: the merge is then ffmpeg's.
/// </summary>
public static class DashHeadReader
{
    // A DASH init segment is about a kilobyte, its index a few; a moov of megabytes is a whole file's sample table.
    private const int MostHeadBoxBytes = 1 << 20;
    internal const int MostMoofBytes = 4 << 20;

    public static async Task<DashHead> ReadAsync(Stream source, long length, CancellationToken cancellationToken)
    {
        var boxes = new TopLevelBoxReader(source, length, cancellationToken);

        var ftyp = await boxes.NextAsync();
        if (ftyp.Type != BoxType.Ftyp)
            throw new Mp4LayoutException($"The stream starts with a {BoxType.NameOf(ftyp.Type)} box, not ftyp.");
        await boxes.SkipAsync(ftyp.Size - ftyp.HeaderSize);

        var box = await boxes.NextAsync();
        while (box.Type is BoxType.Free or BoxType.Skip)
        {
            await boxes.SkipAsync(box.Size - box.HeaderSize);
            box = await boxes.NextAsync();
        }
        if (box.Type != BoxType.Moov)
            throw new Mp4LayoutException($"A {BoxType.NameOf(box.Type)} box comes before the moov: the index is not at the start.");
        var (track, movieTimescale) = ReadMoov(await boxes.WholeAsync(box, MostHeadBoxBytes));

        box = await boxes.NextAsync();
        if (box.Type != BoxType.Sidx)
            throw new Mp4LayoutException($"A {BoxType.NameOf(box.Type)} box follows the moov, not a sidx indexing the fragments.");
        var sidx = await boxes.WholeAsync(box, MostHeadBoxBytes);
        var sidxEnd = boxes.Position;
        var (timescale, firstOffset, subsegments) = ReadSidx(sidx, sidxEnd, track.TrackId);
        var fragmentsStart = sidxEnd + firstOffset;
        var end = subsegments.Count == 0 ? fragmentsStart : subsegments[^1].Offset + subsegments[^1].Size;
        if (subsegments.Count == 0 || end != length)
            throw new Mp4LayoutException($"The sidx indexes bytes {fragmentsStart} to {end} of a stream of {length} bytes.");
        await boxes.SkipAsync(firstOffset);

        box = await boxes.NextAsync();
        if (box.Type != BoxType.Moof)
            throw new Mp4LayoutException($"The first fragment starts with a {BoxType.NameOf(box.Type)} box, not moof.");
        var moof = await boxes.WholeAsync(box, MostMoofBytes);
        if (moof.Length >= subsegments[0].Size)
            throw new Mp4LayoutException("The first moof fills its whole subsegment, with no mdat after it.");
        MoofLayout.Find(moof, track.TrackId);
        return new DashHead(track with { MovieTimescale = movieTimescale }, timescale, subsegments, fragmentsStart, length, moof);
    }

    private static (DashTrack Track, uint MovieTimescale) ReadMoov(byte[] moov)
    {
        var children = Box.Children(moov, 8, moov.Length);
        var mvhd = Box.Required(children, BoxType.Mvhd, "moov");
        var movieTimescale = ReadTimescale(moov, mvhd);
        var traks = children.Where(b => b.Type == BoxType.Trak).ToList();
        if (traks.Count != 1)
            throw new Mp4LayoutException($"The moov has {traks.Count} tracks, not one.");
        var mvex = Box.Single(children, BoxType.Mvex) ?? throw new Mp4LayoutException("The moov has no mvex: the stream is not fragmented.");
        var trak = traks[0];
        var track = ReadTrak(moov, trak);

        var trexes = Box.Children(moov, mvex.BodyStart, mvex.End).Where(b => b.Type == BoxType.Trex).ToList();
        if (trexes.Count != 1 || trexes[0].Size != 32 || BinaryPrimitives.ReadUInt32BigEndian(moov.AsSpan(trexes[0].Start + 12)) != track.TrackId)
            throw new Mp4LayoutException("The mvex does not hold one trex for the stream's track.");
        return (track with { Trex = moov[trexes[0].Start..trexes[0].End] }, movieTimescale);
    }

    private static DashTrack ReadTrak(byte[] moov, Box trak)
    {
        var bytes = moov[trak.Start..trak.End];
        var children = Box.Children(bytes, trak.HeaderSize, bytes.Length);
        foreach (var child in children)
        {
            if (child.Type is not (BoxType.Tkhd or BoxType.Edts or BoxType.Mdia or BoxType.Udta))
                throw new Mp4LayoutException($"The track carries a {BoxType.NameOf(child.Type)} box, which the merge does not carry.");
        }

        var tkhd = Box.Required(children, BoxType.Tkhd, "trak");
        var longTkhd = bytes[tkhd.BodyStart] == 1;
        var trackIdAt = tkhd.BodyStart + (longTkhd ? 20 : 12);
        var durationAt = trackIdAt + 8;
        if (durationAt + (longTkhd ? 8 : 4) > tkhd.End)
            throw new Mp4LayoutException("The tkhd box is cut short.");
        var trackId = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(trackIdAt));

        var (editAt, longEdit) = Box.Single(children, BoxType.Edts) is { } edts ? ReadEditList(bytes, edts) : (-1, false);

        var mdiaBox = Box.Required(children, BoxType.Mdia, "trak");
        var mdia = Box.Children(bytes, mdiaBox.BodyStart, mdiaBox.End);
        var timescale = ReadTimescale(bytes, Box.Required(mdia, BoxType.Mdhd, "mdia"));
        var hdlr = Box.Required(mdia, BoxType.Hdlr, "mdia");
        if (hdlr.Size < hdlr.HeaderSize + 12)
            throw new Mp4LayoutException("The hdlr box is cut short.");
        var handler = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(hdlr.BodyStart + 8));
        var minf = Box.Required(mdia, BoxType.Minf, "mdia");
        var stbl = Box.Required(Box.Children(bytes, minf.BodyStart, minf.End), BoxType.Stbl, "minf");
        var tables = Box.Children(bytes, stbl.BodyStart, stbl.End);
        var stsd = Box.Required(tables, BoxType.Stsd, "stbl");
        var entries = stsd.Size >= stsd.HeaderSize + 8 ? BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(stsd.BodyStart + 4)) : 0;
        if (entries != 1)
            throw new Mp4LayoutException($"The track has {entries} sample descriptions, not one.");
        var codec = Box.Children(bytes, stsd.BodyStart + 8, stsd.End)[0].Type;
        if ((handler, codec) is not ((BoxType.Vide, BoxType.Avc1 or BoxType.Av01) or (BoxType.Soun, BoxType.Mp4a)))
            throw new Mp4LayoutException($"The track is {BoxType.NameOf(handler)} in {BoxType.NameOf(codec)}, neither H.264 or AV1 video (avc1, av01) nor AAC sound (mp4a).");
        if (Box.Single(tables, BoxType.Stsz) is { } stsz
            && (stsz.Size < stsz.HeaderSize + 12 || BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(stsz.BodyStart + 8)) != 0))
            throw new Mp4LayoutException("The moov holds samples of its own besides the fragments.");

        return new DashTrack(bytes, [], trackId, timescale, handler, codec, 0, new TrakFields(trackIdAt, durationAt, longTkhd, editAt, longEdit));
    }

    /// <summary>
    /// An edit list the merge carries is one edit that plays the media at normal rate from some time on (what
    /// shifts the first frame of H.264 with B-frames to zero); its length is rescaled to our movie timescale.
    /// </summary>
    private static (int DurationAt, bool Long) ReadEditList(byte[] bytes, Box edts)
    {
        var elst = Box.Required(Box.Children(bytes, edts.BodyStart, edts.End), BoxType.Elst, "edts");
        var body = elst.BodyStart;
        var isLong = bytes[body] == 1;
        var entrySize = isLong ? 20 : 12;
        if (elst.Size < elst.HeaderSize + 8 || BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(body + 4)) != 1
            || elst.End < body + 8 + entrySize)
            throw new Mp4LayoutException("The track's edit list has other than one edit.");
        var entry = body + 8;
        var mediaTime = isLong ? BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(entry + 8)) : BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(entry + 4));
        var rate = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(entry + (isLong ? 16 : 8)));
        if (mediaTime < 0 || rate != 0x00010000)
            throw new Mp4LayoutException("The track's edit list has an empty edit or a rate other than 1.");
        return (entry, isLong);
    }

    /// <summary>The timescale of an mvhd or mdhd box, whose layouts agree up to it.</summary>
    private static uint ReadTimescale(byte[] bytes, Box box)
    {
        var at = box.BodyStart + (bytes[box.BodyStart] == 1 ? 20 : 12);
        if (at + 4 > box.End)
            throw new Mp4LayoutException($"The {BoxType.NameOf(box.Type)} box is cut short.");
        var timescale = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at));
        return timescale > 0 ? timescale : throw new Mp4LayoutException($"The {BoxType.NameOf(box.Type)} box has a timescale of 0.");
    }

    private static (uint Timescale, long FirstOffset, List<Subsegment> Subsegments) ReadSidx(byte[] sidx, long sidxEnd, uint trackId)
    {
        var span = sidx.AsSpan(8);
        var isLong = span[0] == 1;
        var fixedSize = isLong ? 32 : 24;
        if (span.Length < fixedSize)
            throw new Mp4LayoutException("The sidx box is cut short.");
        var referenceId = BinaryPrimitives.ReadUInt32BigEndian(span[4..]);
        var timescale = BinaryPrimitives.ReadUInt32BigEndian(span[8..]);
        var (earliest, firstOffset) = isLong
            ? ((long)BinaryPrimitives.ReadUInt64BigEndian(span[12..]), (long)BinaryPrimitives.ReadUInt64BigEndian(span[20..]))
            : (BinaryPrimitives.ReadUInt32BigEndian(span[12..]), (long)BinaryPrimitives.ReadUInt32BigEndian(span[16..]));
        int count = BinaryPrimitives.ReadUInt16BigEndian(span[(fixedSize - 2)..]);
        if (referenceId != trackId || timescale == 0 || earliest < 0 || firstOffset < 0)
            throw new Mp4LayoutException("The sidx indexes another track than the moov's, or has no timescale.");
        if (span.Length < fixedSize + 12 * count)
            throw new Mp4LayoutException("The sidx box is cut short.");

        var subsegments = new List<Subsegment>(count);
        var offset = sidxEnd + firstOffset;
        for (var i = 0; i < count; i++)
        {
            var reference = span[(fixedSize + 12 * i)..];
            var typeAndSize = BinaryPrimitives.ReadUInt32BigEndian(reference);
            if ((typeAndSize & 0x80000000) != 0)
                throw new Mp4LayoutException("The sidx points at further sidx boxes, not at the fragments.");
            var size = typeAndSize & 0x7fffffff;
            var duration = BinaryPrimitives.ReadUInt32BigEndian(reference[4..]);
            if (size == 0)
                throw new Mp4LayoutException("The sidx indexes an empty subsegment.");
            subsegments.Add(new Subsegment(offset, size, duration, earliest));
            offset += size;
            earliest += duration;
        }
        return (timescale, firstOffset, subsegments);
    }
}

/// <summary>
/// Where a moof's fields the merge rewrites sit: the sequence number, the track's ID, and the tfhd's base-data-offset
/// when it has one (-1 when not).
/// </summary>
internal readonly record struct MoofLayout(int SequenceNumber, int TrackId, int BaseDataOffset)
{
    private const uint BaseDataOffsetPresent = 0x000001;

    /// <summary>
    /// A moof of one traf for the track. Its data offsets count from the moof itself, or from a base-data-offset
    /// that counts from the start of its stream (which <see cref="Rewrite"/> moves with the moof): either way its
    /// samples stay found wherever it lands in the merged file, since its mdat follows it as before.
    /// </summary>
    public static MoofLayout Find(ReadOnlySpan<byte> moof, uint trackId)
    {
        var children = Box.Children(moof, 8, moof.Length);
        var mfhd = Box.Required(children, BoxType.Mfhd, "moof");
        if (mfhd.Size < mfhd.HeaderSize + 8)
            throw new Mp4LayoutException("The mfhd box is cut short.");
        var trafs = children.Where(b => b.Type == BoxType.Traf).ToList();
        if (trafs.Count != 1)
            throw new Mp4LayoutException($"A moof of {trafs.Count} track fragments, not one.");
        var tfhd = Box.Required(Box.Children(moof, trafs[0].BodyStart, trafs[0].End), BoxType.Tfhd, "traf");
        var flags = tfhd.Size >= tfhd.HeaderSize + 4 ? BinaryPrimitives.ReadUInt32BigEndian(moof[tfhd.BodyStart..]) & 0xffffff : 0;
        var withBase = (flags & BaseDataOffsetPresent) != 0;
        if (tfhd.Size < tfhd.HeaderSize + (withBase ? 16 : 8))
            throw new Mp4LayoutException("The tfhd box is cut short.");
        var trackIdAt = tfhd.BodyStart + 4;
        if (BinaryPrimitives.ReadUInt32BigEndian(moof[trackIdAt..]) != trackId)
            throw new Mp4LayoutException("A fragment of another track than the moov's.");
        return new MoofLayout(mfhd.BodyStart + 4, trackIdAt, withBase ? trackIdAt + 4 : -1);
    }

    /// <param name="moved">
    /// How far the moof moves from its stream into the merged file (its position there less its position in the
    /// stream), added to a base-data-offset, which points at the stream's bytes by their position.
    /// </param>
    public void Rewrite(Span<byte> moof, uint sequenceNumber, uint trackId, long moved)
    {
        BinaryPrimitives.WriteUInt32BigEndian(moof[SequenceNumber..], sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(moof[TrackId..], trackId);
        if (BaseDataOffset < 0)
            return;
        var relocated = (long)BinaryPrimitives.ReadUInt64BigEndian(moof[BaseDataOffset..]) + moved;
        if (relocated < 0)
            throw new Mp4LayoutException("A base-data-offset that points before the start of the merged file.");
        BinaryPrimitives.WriteUInt64BigEndian(moof[BaseDataOffset..], (ulong)relocated);
    }
}
