namespace YtDownloader.Pipeline.Mp4;

/// <summary>
/// What VP9's vpcC box says (VP Codec ISO Media File Format Binding, 2.2), read from the uncompressed header of the
/// stream's first frame (VP9 Bitstream Specification 6.2), which a WebM track entry does not carry.
/// </summary>
internal readonly record struct Vp9Config(byte Profile, byte BitDepth, bool SubsampledX, bool SubsampledY, bool FullRange, byte ColorSpace)
{
    private const byte Rgb = 7;

    public static Vp9Config Read(ReadOnlySpan<byte> frame)
    {
        var bits = new BitReader(frame);
        if (bits.Read(2) != 2)
            throw new Mp4LayoutException("The first VP9 frame has no frame marker.");
        var profile = (byte)(bits.Read(1) | (bits.Read(1) << 1));
        if (profile == 3)
            bits.Read(1);
        if (bits.Read(1) == 1 || bits.Read(1) != 0)
            throw new Mp4LayoutException("The first VP9 frame is not a keyframe.");
        bits.Read(2); // show_frame, error_resilient_mode
        if (bits.Read(24) != 0x498342)
            throw new Mp4LayoutException("The first VP9 frame has no sync code.");
        var bitDepth = (byte)(profile >= 2 ? (bits.Read(1) == 1 ? 12 : 10) : 8);
        var colorSpace = (byte)bits.Read(3);
        bool full, x, y;
        if (colorSpace != Rgb)
        {
            full = bits.Read(1) == 1;
            (x, y) = profile is 1 or 3 ? (bits.Read(1) == 1, bits.Read(1) == 1) : (true, true);
        }
        else
        {
            full = true;
            (x, y) = (false, false);
        }
        if (!x && y)
            throw new Mp4LayoutException("The VP9 stream subsamples its colour vertically alone.");
        return new Vp9Config(profile, bitDepth, x, y, full, colorSpace);
    }

    /// <summary>vpcC's chromaSubsampling: 4:2:0 sited as ffmpeg writes it (vertical for left siting, else co-located), 4:2:2, 4:4:4.</summary>
    public byte ChromaSubsampling(WebmColour colour) => (SubsampledX, SubsampledY) switch
    {
        (true, true) => (byte)(colour is { SitingHorizontal: 1, SitingVertical: 2 } ? 0 : 1),
        (true, false) => 2,
        _ => 3,
    };

    /// <summary>The matrix the bitstream's colour space names (ISO/IEC 23091-4), as ffmpeg's VP9 decoder reads it.</summary>
    public byte Matrix => ColorSpace switch { 1 => 5, 2 => 1, 3 => 6, 4 => 7, 5 => 9, 7 => 0, _ => 2 };

    /// <summary>The lowest VP9 level (Annex A) whose picture size and sample rate hold the stream, as ffmpeg estimates it; 0 when none does.</summary>
    public static byte Level(int width, int height, double framesPerSecond)
    {
        (long Rate, long Size, byte Level)[] levels =
        [
            (829_440, 36_864, 10), (2_764_800, 73_728, 11), (4_608_000, 122_880, 20), (9_216_000, 245_760, 21),
            (20_736_000, 552_960, 30), (36_864_000, 983_040, 31), (83_558_400, 2_228_224, 40), (160_432_128, 2_228_224, 41),
            (311_951_360, 8_912_896, 50), (588_251_136, 8_912_896, 51), (1_176_502_272, 8_912_896, 52),
            (1_176_502_272, 35_651_584, 60), (2_353_004_544, 35_651_584, 61), (4_706_009_088, 35_651_584, 62),
        ];
        var size = (long)width * height;
        var rate = (long)(size * framesPerSecond);
        foreach (var (most, mostSize, level) in levels)
        {
            if (rate <= most && size <= mostSize)
                return level;
        }
        return 0;
    }

    private ref struct BitReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _bit;

        public uint Read(int count)
        {
            var value = 0u;
            for (var i = 0; i < count; i++, _bit++)
            {
                if (_bit >> 3 >= _data.Length)
                    throw new Mp4LayoutException("The first VP9 frame is cut short inside its header.");
                value = (value << 1) | (uint)((_data[_bit >> 3] >> (7 - (_bit & 7))) & 1);
            }
            return value;
        }
    }
}

/// <summary>An Opus packet's length in 48 kHz samples, from its table-of-contents byte (RFC 6716, 3.1).</summary>
internal static class OpusPacket
{
    public static uint Samples(ReadOnlySpan<byte> packet)
    {
        if (packet.IsEmpty)
            throw new Mp4LayoutException("An empty Opus packet.");
        var config = packet[0] >> 3;
        uint frame = config switch
        {
            < 12 => (config & 3) switch { 0 => 480, 1 => 960, 2 => 1920, _ => 2880 },
            < 16 => (config & 1) == 0 ? 480u : 960u,
            _ => (config & 3) switch { 0 => 120, 1 => 240, 2 => 480, _ => 960 },
        };
        var frames = (packet[0] & 3) switch
        {
            0 => 1u,
            1 or 2 => 2u,
            _ => packet.Length > 1 ? (uint)(packet[1] & 0x3f) : throw new Mp4LayoutException("An Opus packet of several frames is cut short."),
        };
        return frame * frames;
    }
}
