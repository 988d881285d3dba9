using System.Globalization;
using System.Text;
using YtDownloader.Sources;

namespace YtDownloader.Pipeline;

/// <summary>
/// What a stored file says about itself, from our own fields: title, artist (the channel), the day it was published,
/// the video's link as comment, the description and the chapters.
/// </summary>
public sealed record FileTags(
    string Title, string Artist, DateOnly? PublishedOn, string Comment, string Description, IReadOnlyList<Chapter> Chapters, TimeSpan Duration)
{
    public static FileTags For(VideoInfo video, string title) => new(
        title, video.Author, video.PublishedOn, $"https://www.youtube.com/watch?v={video.Id}", video.Description, video.Chapters, video.Duration);

    /// <summary>
    /// The tags as an FFMETADATA file, which ffmpeg reads as data: every value is escaped (<c>=</c>, <c>;</c>, <c>#</c>,
    /// <c>\</c> and line ends), so a title cannot end its line and start another key, a section or an option.
    /// </summary>
    /// <param name="withDescription">
    /// Ogg has no description field: ffmpeg writes it as the comment, over the link, so Opus files go without it.
    /// </param>
    public string ToFfmetadata(bool withDescription = true)
    {
        var text = new StringBuilder(";FFMETADATA1\n");
        void Line(string key, string value)
        {
            if (value.Length > 0)
                text.Append(key).Append('=').Append(Escape(value)).Append('\n');
        }

        Line("title", Title);
        Line("artist", Artist);
        Line("date", PublishedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "");
        Line("comment", Comment);
        if (withDescription)
            Line("description", Description);
        for (var i = 0; i < Chapters.Count; i++)
        {
            var start = Chapters[i].Start;
            var end = i + 1 < Chapters.Count ? Chapters[i + 1].Start : Duration;
            if (end <= start)
                end = start + TimeSpan.FromSeconds(1);
            text.Append("[CHAPTER]\nTIMEBASE=1/1000\n")
                .Append(CultureInfo.InvariantCulture, $"START={(long)start.TotalMilliseconds}\nEND={(long)end.TotalMilliseconds}\n");
            Line("title", Chapters[i].Title);
        }
        return text.ToString();
    }

    /// <summary>
    /// FFMETADATA's escaping of <see cref="Clean"/>'s text: a backslash before each special character, a newline kept
    /// as an escaped newline.
    /// </summary>
    internal static string Escape(string value)
    {
        var clean = Clean(value);
        var escaped = new StringBuilder(clean.Length + 8);
        foreach (var c in clean)
        {
            if (c is '=' or ';' or '#' or '\\' or '\n')
                escaped.Append('\\');
            escaped.Append(c);
        }
        return escaped.ToString();
    }

    /// <summary>
    /// A value as a file stores it, whoever writes the file: line ends as newlines (a lone CR becomes one), other
    /// control characters dropped (a NUL would cut the value short in ffmpeg's C strings), tabs kept.
    /// </summary>
    internal static string Clean(string value)
    {
        var clean = new StringBuilder(value.Length);
        foreach (var c in value.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n'))
        {
            if (!char.IsControl(c) || c is '\t' or '\n')
                clean.Append(c);
        }
        return clean.ToString();
    }
}
