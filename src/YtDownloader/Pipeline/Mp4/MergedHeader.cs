using System.Buffers.Binary;
using System.Text;
using YtDownloader.Sources;

namespace YtDownloader.Pipeline.Mp4;

/// <summary>
/// The head of a merged fragmented MP4: our ftyp, then a moov with an mvhd, one trak per input (a DASH input's own,
/// with its track ID and duration rewritten, its sample description untouched; a WebM input's written from its track
/// entry), an mvex with the whole duration and a trex per track, and a udta with the tags, the cover and the chapters
/// as ffmpeg's MP4 muxer writes them (iTunes metadata, Nero chapters), so that players and ffprobe read the same file
/// either way.
/// </summary>
internal static class MergedHeader
{
    /// <summary>Milliseconds, as ffmpeg's muxer counts the movie's time.</summary>
    public const uint MovieTimescale = 1000;

    // What iTunes metadata calls its value types.
    private const uint Utf8Text = 1, JpegImage = 13, PngImage = 14;
    private const int MostChapters = byte.MaxValue, MostChapterTitleBytes = byte.MaxValue;

    /// <param name="tracks">The inputs in the order of their track IDs: the video first.</param>
    public static byte[] Write(IReadOnlyList<MergeInput> tracks, bool audioOnly, FileTags tags, ThumbnailImage? cover)
    {
        var box = new BoxWriter();
        WriteFtyp(box, audioOnly, tracks.FirstOrDefault(t => t.Handler == BoxType.Vide)?.Codec);

        var durations = tracks.Select(t => t.Duration.In(MovieTimescale)).ToList();
        var duration = durations.Max();
        box.Open(BoxType.Moov);
        WriteMvhd(box, duration, nextTrackId: (uint)tracks.Count + 1);
        for (var i = 0; i < tracks.Count; i++)
            box.Bytes(tracks[i].Trak(durations[i]));
        box.Open(BoxType.Mvex);
        box.Open(BoxType.Mehd, 1, 0);
        box.UInt64(duration);
        box.Close();
        foreach (var track in tracks)
            box.Bytes(track.Trex());
        box.Close();
        WriteUdta(box, tags, cover);
        box.Close();
        return box.ToArray();
    }

    /// <param name="video">The video's codec, which names a brand when it is H.264 or AV1 (as ffmpeg's muxer writes them).</param>
    private static void WriteFtyp(BoxWriter box, bool audioOnly, uint? video)
    {
        const uint isom = 0x69736f6d, iso6 = 0x69736f36, mp41 = 0x6d703431, m4a = 0x4d344120;
        uint[] brands = audioOnly ? [m4a, isom, iso6, mp41]
            : video is BoxType.Avc1 or BoxType.Av01 ? [isom, iso6, video.Value, mp41]
            : [isom, iso6, mp41];
        box.Open(BoxType.Ftyp);
        box.UInt32(brands[0]);
        box.UInt32(0x200);
        foreach (var brand in brands)
            box.UInt32(brand);
        box.Close();
    }

    private static void WriteMvhd(BoxWriter box, ulong duration, uint nextTrackId)
    {
        box.Open(BoxType.Mvhd, 1, 0);
        box.UInt64(0); // created
        box.UInt64(0); // modified
        box.UInt32(MovieTimescale);
        box.UInt64(duration);
        box.UInt32(0x00010000); // rate 1.0
        box.UInt16(0x0100); // volume 1.0
        box.Zeros(10);
        WriteUnityMatrix(box);
        box.Zeros(24);
        box.UInt32(nextTrackId);
        box.Close();
    }

    internal static void WriteUnityMatrix(BoxWriter box)
    {
        uint[] matrix = [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000];
        foreach (var value in matrix)
            box.UInt32(value);
    }

    private static void WriteUdta(BoxWriter box, FileTags tags, ThumbnailImage? cover)
    {
        box.Open(BoxType.Udta);
        box.Open(BoxType.Meta, 0, 0);
        box.Open(BoxType.Hdlr, 0, 0);
        box.UInt32(0); // pre-defined
        box.UInt32(BoxType.Mdir);
        box.UInt32(0x6170706c); // "appl", as iTunes writes it
        box.Zeros(9); // reserved, and an empty name
        box.Close();
        box.Open(BoxType.Ilst);
        TextItem(box, BoxType.Name, tags.Title);
        TextItem(box, BoxType.Artist, tags.Artist);
        TextItem(box, BoxType.Day, tags.PublishedOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "");
        TextItem(box, BoxType.Comment, tags.Comment);
        TextItem(box, BoxType.Desc, tags.Description);
        if (cover is not null && ImageType(cover.ContentType) is { } imageType)
            Item(box, BoxType.Covr, imageType, cover.Content);
        box.Close();
        box.Close();
        WriteChapters(box, tags.Chapters);
        box.Close();
    }

    private static void TextItem(BoxWriter box, uint type, string value)
    {
        // The same text ffmpeg's path stores: FFMETADATA's escaping keeps what these keep, and drops the same.
        var text = FileTags.Clean(value);
        if (text.Length > 0)
            Item(box, type, Utf8Text, Encoding.UTF8.GetBytes(text));
    }

    private static void Item(BoxWriter box, uint type, uint dataType, ReadOnlySpan<byte> value)
    {
        box.Open(type);
        box.Open(BoxType.Data);
        box.UInt32(dataType);
        box.UInt32(0); // locale
        box.Bytes(value);
        box.Close();
        box.Close();
    }

    private static uint? ImageType(string contentType) => contentType.ToLowerInvariant() switch
    {
        "image/jpeg" or "image/jpg" => JpegImage,
        "image/png" => PngImage,
        _ => null,
    };

    /// <summary>Nero's chpl, which ffmpeg writes in MP4 and reads back: each chapter's start in 100 ns and its title.</summary>
    private static void WriteChapters(BoxWriter box, IReadOnlyList<Chapter> chapters)
    {
        if (chapters.Count == 0)
            return;
        box.Open(BoxType.Chpl, 1, 0);
        box.UInt32(0); // reserved
        var count = Math.Min(chapters.Count, MostChapters);
        box.Byte((byte)count);
        foreach (var chapter in chapters.Take(count))
        {
            box.UInt64((ulong)Math.Max(0, chapter.Start.Ticks));
            var title = Encoding.UTF8.GetBytes(FileTags.Clean(chapter.Title));
            var length = title.Length;
            // Cut on a character's first byte, not inside one.
            if (length > MostChapterTitleBytes)
                for (length = MostChapterTitleBytes; length > 0 && (title[length] & 0xc0) == 0x80; length--) { }
            box.Byte((byte)length);
            box.Bytes(title.AsSpan(0, length));
        }
        box.Close();
    }
}
