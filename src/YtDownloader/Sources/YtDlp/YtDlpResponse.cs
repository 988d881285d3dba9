using System.Globalization;
using System.Text.Json;
using YtDownloader.Urls;

namespace YtDownloader.Sources.YtDlp;

/// <summary>
/// Reads what <c>yt-dlp -J</c> prints (one info dict) and what it says when it fails; all knowledge of yt-dlp's
/// output lives here. Its format URLs are already deciphered; each format carries the headers to fetch it with.
/// </summary>
internal static class YtDlpResponse
{
    /// <summary>Headers of a format that our own fetch decides: ranges, compression, the host; cookies stay with YouTube.</summary>
    private static readonly HashSet<string> HeadersWeSetOurselves = new(StringComparer.OrdinalIgnoreCase)
    {
        "Range", "Host", "Cookie", "Accept-Encoding", "Content-Length", "Connection",
    };

    public static VideoInfo Parse(JsonElement root, VideoId requested, string sourceName, Func<Uri, Uri> onOrigin)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new YtDlpFailedException("yt-dlp printed something that is not a video's info.");
        if (root.GetStringOrNull("id") is { } id && id != requested.Value)
            throw new YtDlpFailedException($"yt-dlp answered for another video ({id}).");
        if (root.GetBooleanOrNull("is_live") == true || root.GetStringOrNull("live_status") == "is_live")
            throw new VideoUnavailableException(UnavailableReason.Live,
                "This is a live stream. Downloading live streams is not supported yet: wait until it has ended.");
        if (root.GetStringOrNull("live_status") == "is_upcoming")
            throw new VideoUnavailableException(UnavailableReason.Upcoming,
                "This is an upcoming live stream or premiere that has not started yet.");

        var duration = root.GetDoubleOrNull("duration") ?? 0;
        var items = root.GetPropertyOrNull("formats") is { ValueKind: JsonValueKind.Array } list ? list.EnumerateArray().ToList() : [];
        // A video with several audio tracks marks its original one; without any, every track is the default.
        var hasMarkedDefault = items.Any(f => f.GetInt64OrNull("language_preference") >= DefaultTrackPreference);
        var formats = items.Select(f => ParseFormat(f, duration, hasMarkedDefault)).OfType<MediaFormat>().ToList();
        if (formats.Count == 0)
            throw new YtDlpFailedException(
                "yt-dlp offered no stream that can be fetched directly (only HLS, DASH manifests or none at all).");

        return new VideoInfo(
            requested,
            root.GetStringOrNull("title") ?? throw new YtDlpFailedException("yt-dlp's info has no title."),
            root.GetStringOrNull("channel") ?? root.GetStringOrNull("uploader") ?? "",
            TimeSpan.FromSeconds(Math.Clamp(duration, 0, 100.0 * 365 * 24 * 3600)),
            ParseThumbnails(root, onOrigin),
            formats,
            sourceName);
    }

    /// <summary>
    /// What yt-dlp's failure means: a verdict about the video when its words say one (private, age-restricted,
    /// a bot check…), else a failure of yt-dlp that keeps its words.
    /// </summary>
    public static YtDownloaderException ErrorToException(string? errorLine, int exitCode)
    {
        if (errorLine is null)
            return new YtDlpFailedException($"yt-dlp failed (exit code {exitCode}) without saying why.");
        var says = $"(yt-dlp says: \u201c{errorLine}\u201d)";
        bool Says(string words) => errorLine.Contains(words, StringComparison.OrdinalIgnoreCase);
        return errorLine switch
        {
            _ when Says("not a bot") => new VideoUnavailableException(UnavailableReason.BotCheck,
                $"YouTube refused yt-dlp with its bot check {says}. This is usually temporary: try again in a few minutes. What helps for good: "
                + "a cookies file (Youtube__CookiesFile), a PO token provider (Youtube__PoTokenProvider) or a proxy (HTTPS_PROXY)."),
            _ when Says("Private video") => new VideoUnavailableException(UnavailableReason.Private,
                $"This video is private: only its owner and the people they chose can watch it {says}."),
            _ when Says("confirm your age") || Says("age-restricted") || Says("inappropriate for some users") => new VideoUnavailableException(
                UnavailableReason.AgeRestricted, $"This video is age-restricted: YouTube requires a signed-in account {says}."),
            _ when Says("members-only") || Says("Join this channel") => new VideoUnavailableException(UnavailableReason.MembersOnly,
                $"This video is for the channel's members only {says}."),
            _ when Says("live event will begin") || Says("Premieres in") => new VideoUnavailableException(UnavailableReason.Upcoming,
                $"This is an upcoming live stream or premiere that has not started yet {says}."),
            _ => new YtDlpFailedException($"yt-dlp could not get the video (exit code {exitCode}) {says}.", errorLine),
        };
    }

    /// <summary>
    /// yt-dlp's own failure message: its last <c>ERROR:</c> line, without that prefix; or, for an error it did not
    /// catch, the traceback's last line, which is the exception's own message.
    /// </summary>
    public static string? ErrorLine(string stderr)
    {
        const int MaxLength = 1000;
        var lines = stderr.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var line = lines.LastOrDefault(l => l.StartsWith("ERROR:", StringComparison.Ordinal)) is { } error
            ? error["ERROR:".Length..].Trim()
            : lines.LastOrDefault();
        return line is { Length: > MaxLength } ? line[..MaxLength] + "\u2026" : line;
    }

    /// <summary>yt-dlp gives a video's original audio track this <c>language_preference</c>; descriptive tracks −10, others −1.</summary>
    private const long DefaultTrackPreference = 10;

    private static MediaFormat? ParseFormat(JsonElement item, double duration, bool hasMarkedDefault)
    {
        // Only plain HTTP(S) files can be fetched in ranges: HLS, DASH manifests, SABR and storyboards cannot.
        if (item.GetStringOrNull("protocol") is not ("https" or "http")
            || item.GetBooleanOrNull("has_drm") == true
            || item.GetStringOrNull("url") is not { } url
            || !Uri.TryCreate(url, UriKind.Absolute, out var absolute)
            || item.GetStringOrNull("format_id") is not { } formatId
            || LeadingNumber(formatId) is not { } itag)
            return null;
        var videoCodec = Codec(item, "vcodec");
        var audioCodec = Codec(item, "acodec");
        if (videoCodec is null && audioCodec is null)
            return null;

        var ext = (item.GetStringOrNull("ext") ?? "").ToLowerInvariant();
        var mimeType = $"{(videoCodec is null ? "audio" : "video")}/{(ext == "m4a" ? "mp4" : ext)}; codecs=\"{string.Join(", ", new[] { videoCodec, audioCodec }.OfType<string>())}\"";
        var filesize = item.GetInt64OrNull("filesize");
        var bitrate = item.GetDoubleOrNull("tbr") is { } kilobits
            ? (long)(kilobits * 1000)
            : item.GetInt64OrNull("filesize_approx") is { } approx && duration > 0 ? (long)(approx * 8 / duration) : (long?)null;
        var languagePreference = item.GetInt64OrNull("language_preference");

        return new MediaFormat(
            Itag: itag,
            Url: absolute,
            MimeType: mimeType,
            Container: ext,
            VideoCodec: videoCodec,
            AudioCodec: audioCodec,
            Width: (int?)item.GetInt64OrNull("width"),
            Height: (int?)item.GetInt64OrNull("height"),
            Fps: item.GetDoubleOrNull("fps") is { } fps ? (int)Math.Round(fps) : null,
            Bitrate: bitrate,
            // Only an exact size: ranges are cut by it. An approximate one only feeds the bitrate estimate.
            ContentLength: filesize is > 0 ? filesize : null,
            AudioSampleRate: (int?)item.GetInt64OrNull("asr"),
            IsDefaultAudioTrack: !formatId.EndsWith("-drc", StringComparison.Ordinal)
                && (hasMarkedDefault ? languagePreference >= DefaultTrackPreference : languagePreference is not < -1),
            Headers: ParseHeaders(item));
    }

    /// <summary>yt-dlp writes <c>"none"</c> for a stream's missing side.</summary>
    private static string? Codec(JsonElement item, string name) =>
        item.GetStringOrNull(name) is { Length: > 0 } codec && codec != "none" ? codec : null;

    /// <summary>The itag of a YouTube format id: <c>137</c>, <c>251-drc</c>, <c>140-1</c>.</summary>
    private static int? LeadingNumber(string formatId)
    {
        var digits = formatId.AsSpan();
        var end = 0;
        while (end < digits.Length && char.IsAsciiDigit(digits[end]))
            end++;
        return end > 0 && int.TryParse(digits[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var itag) ? itag : null;
    }

    private static Dictionary<string, string>? ParseHeaders(JsonElement item)
    {
        if (item.GetPropertyOrNull("http_headers") is not { ValueKind: JsonValueKind.Object } headers)
            return null;
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in headers.EnumerateObject())
        {
            if (header.Value.ValueKind == JsonValueKind.String && !HeadersWeSetOurselves.Contains(header.Name))
                result[header.Name] = header.Value.GetString()!;
        }
        return result.Count == 0 ? null : result;
    }

    private static List<Thumbnail> ParseThumbnails(JsonElement root, Func<Uri, Uri> onOrigin)
    {
        var result = new List<Thumbnail>();
        if (root.GetPropertyOrNull("thumbnails") is not { ValueKind: JsonValueKind.Array } list)
            return result;
        foreach (var item in list.EnumerateArray())
        {
            if (item.GetStringOrNull("url") is { } url && Uri.TryCreate(url, UriKind.Absolute, out var absolute))
                result.Add(new Thumbnail(onOrigin(absolute).ToString(), (int)(item.GetInt64OrNull("width") ?? 0), (int)(item.GetInt64OrNull("height") ?? 0)));
        }
        // yt-dlp lists the best last, and many without a size: among equals, the best should come first.
        result.Reverse();
        return result;
    }

    private static double? GetDoubleOrNull(this JsonElement element, string name) =>
        element.GetPropertyOrNull(name) is { ValueKind: JsonValueKind.Number } n && n.TryGetDouble(out var d) && double.IsFinite(d) ? d : null;
}
