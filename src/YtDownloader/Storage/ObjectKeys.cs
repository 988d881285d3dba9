using System.Text;
using YtDownloader.Urls;

namespace YtDownloader.Storage;

/// <summary>
/// Builds object keys that are safe whatever the title holds: no path separators, no "..", no control or
/// invisible characters, bounded length. The readable title survives in the object's metadata instead.
/// </summary>
public static class ObjectKeys
{
    private const int MaxTitleLength = 80;

    /// <param name="subtitles">The subtitle languages that come with the file, which make it another job: "…_720p_en_pt-BR.mp4".</param>
    public static string For(string prefix, VideoId id, string title, string quality, string extension = "mp4", IReadOnlyList<string>? subtitles = null) =>
        $"{prefix}{id.Value}/{FileStem(title, quality)}{LanguageSuffix(subtitles ?? [])}.{SafeSegment(extension)}";

    /// <summary>A caption track's WebVTT object beside the video's: "{prefix}{id}/{safe-title}_{quality}_{language}.vtt".</summary>
    public static string Subtitle(string prefix, VideoId id, string title, string quality, string language) =>
        $"{prefix}{id.Value}/{FileStem(title, quality)}{LanguageSuffix([language])}.vtt";

    private static string LanguageSuffix(IReadOnlyList<string> languages) =>
        languages.Count == 0 ? "" : "_" + string.Join('_', languages.Select(SafeLanguage));

    /// <summary>A language tag as a key segment: "pt-BR" becomes "pt-BR", anything but ASCII letters, digits and "-" goes.</summary>
    private static string SafeLanguage(string language)
    {
        var safe = new string(language.Where(c => char.IsAsciiLetterOrDigit(c) || c == '-').Take(16).ToArray()).Trim('-');
        return safe.Length == 0 ? "und" : safe;
    }

    /// <summary>"{safe-title}_{quality}", also the readable download file name.</summary>
    public static string FileStem(string title, string quality) => $"{SafeTitle(title)}_{SafeSegment(quality)}";

    public static string SafeTitle(string title)
    {
        var builder = new StringBuilder(Math.Min(title.Length, MaxTitleLength));
        var pendingDash = false;
        for (var i = 0; i < title.Length && builder.Length < MaxTitleLength; i++)
        {
            var c = title[i];
            if (char.IsHighSurrogate(c) && i + 1 < title.Length && char.IsLowSurrogate(title[i + 1]))
            {
                // Emoji and other astral characters: dropped rather than risk a split pair at the cut.
                i++;
                pendingDash = builder.Length > 0;
                continue;
            }
            if (char.IsLetterOrDigit(c))
            {
                if (pendingDash && builder.Length < MaxTitleLength - 1)
                    builder.Append('-');
                builder.Append(c);
                pendingDash = false;
            }
            else
            {
                pendingDash = builder.Length > 0;
            }
        }
        return builder.Length == 0 ? "video" : builder.ToString();
    }

    private static string SafeSegment(string value) =>
        new(value.Where(c => char.IsAsciiLetterOrDigit(c) || c == 'x').ToArray());

    /// <summary>
    /// The title as a person reads it, for Content-Disposition: only what a file system or header cannot
    /// hold is replaced (separators, control, bidirectional-override and other format characters).
    /// </summary>
    /// <param name="language">A subtitle file's language, after the quality: "Title_720p_en.vtt".</param>
    public static string ReadableFileName(string title, string quality, string extension = "mp4", string? language = null)
    {
        var builder = new StringBuilder();
        foreach (var rune in title.EnumerateRunes())
        {
            if (builder.Length >= 150)
                break;
            var category = Rune.GetUnicodeCategory(rune);
            var unsafeChar = Rune.IsControl(rune) || category is System.Globalization.UnicodeCategory.Format
                or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator
                || rune.Value is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|';
            builder.Append(unsafeChar ? "_" : rune.ToString());
        }
        var readable = builder.ToString().Trim().Trim('.');
        var suffix = language is null ? "" : LanguageSuffix([language]);
        return $"{(readable.Length == 0 ? "video" : readable)}_{SafeSegment(quality)}{suffix}.{SafeSegment(extension)}";
    }

    /// <summary>
    /// The title as S3 user metadata: percent-encoded (metadata must be ASCII) and cut, at a whole character, to
    /// <paramref name="maxLength"/>, since AWS allows 2 KB of metadata per object in all. The job keeps the whole title.
    /// </summary>
    public static string MetadataTitle(string title, int maxLength = 1024)
    {
        var builder = new StringBuilder();
        foreach (var rune in title.EnumerateRunes())
        {
            var encoded = Uri.EscapeDataString(rune.ToString());
            if (builder.Length + encoded.Length > maxLength)
                break;
            builder.Append(encoded);
        }
        return builder.ToString();
    }

    /// <summary>An ASCII rendering for headers and metadata, which S3 requires to be ASCII.</summary>
    public static string AsciiFileName(string fileName)
    {
        var ascii = new string(fileName.Select(c => c is >= ' ' and < (char)127 && c != '"' && c != '\\' ? c : '_').ToArray());
        return ascii.Trim('_').Length == 0 ? "video.mp4" : ascii;
    }

    /// <summary>
    /// An RFC 6266 Content-Disposition with an ASCII fallback and the UTF-8 readable name: to be saved (attachment),
    /// or with <paramref name="inline"/> to be shown by the browser, under that name if saved from there.
    /// </summary>
    public static string ContentDisposition(string fileName, bool inline = false) =>
        $"{(inline ? "inline" : "attachment")}; filename=\"{AsciiFileName(fileName)}\"; filename*=UTF-8''{Uri.EscapeDataString(fileName)}";
}
