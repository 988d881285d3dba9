using System.Buffers.Binary;

namespace YtDownloader.Pipeline.Mp4;

/// <summary>The colour a video track's Colour element declares, in the codes of ISO/IEC 23091-4 that vpcC carries (2: not said).</summary>
/// <param name="FullRange">The Range element's word (2 full, 1 limited), or null when it leaves it to the stream.</param>
internal sealed record WebmColour(byte Primaries, byte Transfer, byte? Matrix, bool? FullRange, ulong SitingHorizontal, ulong SitingVertical);

/// <summary>The one track of a WebM stream, as its track entry describes it.</summary>
internal sealed record WebmTrack(
    ulong Number, uint Handler, string CodecId, byte[] CodecPrivate, ulong DefaultDurationNs,
    int Width, int Height, int DisplayWidth, int DisplayHeight, WebmColour Colour, int Channels);

/// <summary>What the head of a WebM stream says: its track, the length of its timestamps' tick, and its duration in ticks.</summary>
internal sealed record WebmHead(WebmTrack Track, ulong TimecodeScale, double DurationTicks);

/// <summary>
/// Reads the head of a WebM stream, YouTube's shape for VP9 video and Opus sound: the EBML header, then the segment's
/// elements (SeekHead, Info, Tracks with one track entry, Cues, Tags) up to its first Cluster. Anything the merge
/// does not carry into MP4 as it is (other codecs, a second track, compressed or encrypted blocks, HDR metadata,
/// 3D or 360° projection, no duration) is an <see cref="Mp4LayoutException"/> saying so: the merge is then ffmpeg's.
/// </summary>
internal static class WebmHeadReader
{
    // Info and Tracks are a few hundred bytes; a megabyte is no head of a stream.
    private const int MostHeadElementBytes = 1 << 20;
    private const uint VideoTrack = 1, AudioTrack = 2;

    // YouTube's longest videos are half a day; a duration of a year is no video's.
    private const double MostDurationNs = 365 * 86_400 * 1e9;

    /// <summary>The head, and the header of the first Cluster, which the reader has just read.</summary>
    public static async Task<(WebmHead Head, EbmlHeader FirstCluster)> ReadAsync(EbmlReader reader, CancellationToken cancellationToken)
    {
        var magic = await reader.PeekAsync(4, cancellationToken);
        if (magic.Length < 4 || BinaryPrimitives.ReadUInt32BigEndian(magic.Span) != EbmlId.Header || await reader.NextAsync(cancellationToken) is not { } header)
            throw new Mp4LayoutException("The stream does not start with an EBML header: it is not WebM.");
        ReadEbmlHeader(await reader.ReadDataAsync(header, MostHeadElementBytes, cancellationToken));
        if (await reader.NextAsync(cancellationToken) is not { Id: EbmlId.Segment })
            throw new Mp4LayoutException("The EBML header is not followed by a Segment.");

        var timecodeScale = 1_000_000UL;
        double? duration = null;
        WebmTrack? track = null;
        while (true)
        {
            var element = await reader.NextAsync(cancellationToken)
                ?? throw new Mp4LayoutException("The WebM stream ends before its first cluster.");
            switch (element.Id)
            {
                case EbmlId.Cluster:
                    if (track is null)
                        throw new Mp4LayoutException("A WebM cluster comes before the track entry.");
                    if (duration is not > 0 || duration * timecodeScale > MostDurationNs)
                        throw new Mp4LayoutException("The WebM segment's info tells no duration, or not one a video has.");
                    return (new WebmHead(track, timecodeScale, duration.Value), element);
                case EbmlId.Info:
                    (timecodeScale, duration) = ReadInfo(await reader.ReadDataAsync(element, MostHeadElementBytes, cancellationToken));
                    break;
                case EbmlId.Tracks:
                    track = ReadTracks(await reader.ReadDataAsync(element, MostHeadElementBytes, cancellationToken));
                    break;
                default:
                    if (element.Size is not { } size)
                        throw new Mp4LayoutException($"A WebM element {element.Id:X} of unknown size before the first cluster.");
                    await reader.SkipAsync(size, cancellationToken);
                    break;
            }
        }
    }

    private static void ReadEbmlHeader(byte[] data)
    {
        var fields = EbmlSpan.Children(data, 0, data.Length);
        var docType = EbmlSpan.Single(fields, EbmlId.DocType) is { } type ? Ebml.Text(data, type) : "matroska";
        if (docType is not ("webm" or "matroska"))
            throw new Mp4LayoutException($"An EBML document of type \"{docType}\", not WebM.");
        if (Ebml.UIntOf(data, fields, EbmlId.DocReadVersion) > 2)
            throw new Mp4LayoutException("The WebM stream needs a newer reader than version 2.");
        if (Ebml.UIntOf(data, fields, EbmlId.MaxIdLength) > 4 || Ebml.UIntOf(data, fields, EbmlId.MaxSizeLength) > 8)
            throw new Mp4LayoutException("The WebM stream has IDs or sizes longer than EBML allows.");
    }

    private static (ulong TimecodeScale, double? Duration) ReadInfo(byte[] data)
    {
        var fields = EbmlSpan.Children(data, 0, data.Length);
        var scale = Ebml.UIntOf(data, fields, EbmlId.TimecodeScale) ?? 1_000_000;
        if (scale == 0)
            throw new Mp4LayoutException("The WebM segment has a timecode scale of 0.");
        return (scale, EbmlSpan.Single(fields, EbmlId.Duration) is { } duration ? Ebml.Float(data, duration) : null);
    }

    private static WebmTrack ReadTracks(byte[] data)
    {
        var entries = EbmlSpan.Children(data, 0, data.Length).Where(e => e.Id == EbmlId.TrackEntry).ToList();
        if (entries.Count != 1)
            throw new Mp4LayoutException($"The WebM stream has {entries.Count} tracks, not one.");
        var entry = entries[0];
        var fields = EbmlSpan.Children(data, entry.DataStart, entry.End);
        if (EbmlSpan.Single(fields, EbmlId.ContentEncodings) is not null)
            throw new Mp4LayoutException("The WebM track's blocks are compressed or encrypted.");
        var number = Ebml.UIntOf(data, fields, EbmlId.TrackNumber) ?? 0;
        var type = Ebml.UIntOf(data, fields, EbmlId.TrackType) ?? 0;
        var codec = EbmlSpan.Single(fields, EbmlId.CodecId) is { } id ? Ebml.Text(data, id) : "";
        var codecPrivate = EbmlSpan.Single(fields, EbmlId.CodecPrivate) is { } p ? data[p.DataStart..p.End] : [];
        var defaultDuration = Ebml.UIntOf(data, fields, EbmlId.DefaultDuration) ?? 0;
        if (number == 0)
            throw new Mp4LayoutException("The WebM track has no number.");

        switch (type, codec)
        {
            case (VideoTrack, "V_VP9"):
            {
                var video = EbmlSpan.Single(fields, EbmlId.Video) ?? throw new Mp4LayoutException("The WebM video track has no Video element.");
                var (width, height, displayWidth, displayHeight, colour) = ReadVideo(data, video);
                return new WebmTrack(number, BoxType.Vide, codec, codecPrivate, defaultDuration, width, height, displayWidth, displayHeight, colour, 0);
            }
            case (AudioTrack, "A_OPUS"):
                if (codecPrivate.Length < 19 || !codecPrivate.AsSpan(0, 8).SequenceEqual("OpusHead"u8))
                    throw new Mp4LayoutException("The Opus track carries no OpusHead.");
                var channels = codecPrivate[9];
                if (codecPrivate[18] != 0 && codecPrivate.Length < 21 + channels)
                    throw new Mp4LayoutException("The OpusHead's channel mapping is cut short.");
                return new WebmTrack(number, BoxType.Soun, codec, codecPrivate, defaultDuration, 0, 0, 0, 0, NoColour, channels);
            default:
                throw new Mp4LayoutException($"The WebM track is {(type == VideoTrack ? "video" : type == AudioTrack ? "sound" : "of type " + type)} in {codec}, neither VP9 video nor Opus sound.");
        }
    }

    private static readonly WebmColour NoColour = new(2, 2, null, null, 0, 0);

    private static (int Width, int Height, int DisplayWidth, int DisplayHeight, WebmColour Colour) ReadVideo(byte[] data, EbmlSpan video)
    {
        var fields = EbmlSpan.Children(data, video.DataStart, video.End);
        if (EbmlSpan.Single(fields, EbmlId.StereoMode) is { } stereo && Ebml.UInt(data, stereo) != 0 || EbmlSpan.Single(fields, EbmlId.Projection) is not null)
            throw new Mp4LayoutException("The WebM video is 3D or 360°, which the merge does not carry.");
        var width = (int)Math.Min(Ebml.UIntOf(data, fields, EbmlId.PixelWidth) ?? 0, ushort.MaxValue);
        var height = (int)Math.Min(Ebml.UIntOf(data, fields, EbmlId.PixelHeight) ?? 0, ushort.MaxValue);
        if (width == 0 || height == 0)
            throw new Mp4LayoutException("The WebM video track tells no picture size.");
        var inPixels = (Ebml.UIntOf(data, fields, EbmlId.DisplayUnit) ?? 0) == 0;
        var displayWidth = inPixels ? (int)Math.Min(Ebml.UIntOf(data, fields, EbmlId.DisplayWidth) ?? (ulong)width, ushort.MaxValue) : width;
        var displayHeight = inPixels ? (int)Math.Min(Ebml.UIntOf(data, fields, EbmlId.DisplayHeight) ?? (ulong)height, ushort.MaxValue) : height;

        if (EbmlSpan.Single(fields, EbmlId.Colour) is not { } colour)
            return (width, height, displayWidth, displayHeight, NoColour);
        var values = EbmlSpan.Children(data, colour.DataStart, colour.End);
        if (values.Any(v => v.Id is EbmlId.MaxCll or EbmlId.MaxFall or EbmlId.MasteringMetadata))
            throw new Mp4LayoutException("The WebM video carries HDR metadata, which the merge does not carry.");
        byte Code(uint id) => Ebml.UIntOf(data, values, id) is { } code and < 256 ? (byte)code : (byte)2;
        var range = Ebml.UIntOf(data, values, EbmlId.Range);
        return (width, height, displayWidth, displayHeight, new WebmColour(
            Code(EbmlId.Primaries), Code(EbmlId.TransferCharacteristics),
            Ebml.UIntOf(data, values, EbmlId.MatrixCoefficients) is { } matrix and < 256 ? (byte)matrix : null,
            range switch { 2 => true, 1 => false, _ => null },
            Ebml.UIntOf(data, values, EbmlId.ChromaSitingHorz) ?? 0, Ebml.UIntOf(data, values, EbmlId.ChromaSitingVert) ?? 0));
    }

    /// <summary>The OpusHead's pre-skip: the samples the decoder runs before the sound starts, which the MP4 cuts with an edit.</summary>
    public static ushort PreSkip(WebmTrack track) => BinaryPrimitives.ReadUInt16LittleEndian(track.CodecPrivate.AsSpan(10));
}
