using System.Text.Json;
using YtDownloader.Urls;

namespace YtDownloader.Sources.Invidious;

/// <summary>Reads Invidious's <c>/api/v1/videos/{id}</c> answer; all knowledge of its shape lives here.</summary>
internal static class InvidiousResponse
{
    public static VideoInfo Parse(JsonElement root, VideoId requested, Uri instance, string sourceName)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new SourceFailedException("The instance answered with something that is not a video.");
        if (root.GetStringOrNull("error") is { } error)
            throw ErrorToException(error);
        if (root.GetBooleanOrNull("liveNow") == true)
            throw new VideoUnavailableException(UnavailableReason.Live,
                "This is a live stream. Downloading live streams is not supported yet: wait until it has ended.");
        if (root.GetBooleanOrNull("isUpcoming") == true)
            throw new VideoUnavailableException(UnavailableReason.Upcoming,
                "This is an upcoming live stream or premiere that has not started yet.");
        if (root.GetStringOrNull("videoId") is { } videoId && videoId != requested.Value)
            throw new SourceFailedException($"The instance answered for another video ({videoId}).");

        var formats = new List<MediaFormat>();
        foreach (var listName in (ReadOnlySpan<string>)["formatStreams", "adaptiveFormats"])
        {
            if (root.GetPropertyOrNull(listName) is not { ValueKind: JsonValueKind.Array } list)
                continue;
            foreach (var item in list.EnumerateArray())
            {
                if (ParseFormat(item, instance) is { } format)
                    formats.Add(format);
            }
        }
        if (formats.Count == 0)
            throw new SourceFailedException("The instance offered no downloadable stream.");

        return new VideoInfo(
            requested,
            root.GetStringOrNull("title") ?? throw new SourceFailedException("The instance's answer has no title."),
            root.GetStringOrNull("author") ?? "",
            root.GetSecondsOrZero("lengthSeconds"),
            ParseThumbnails(root, instance),
            formats,
            sourceName,
            Description: root.GetStringOrNull("description") ?? "",
            PublishedOn: root.GetInt64OrNull("published") is { } published and > 0 and < 253402300800
                ? DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(published).UtcDateTime)
                : null,
            Captions: ParseCaptions(root, instance));
    }

    /// <summary><c>captions: [{label, language_code, url}]</c>; the instance answers each URL with WebVTT.</summary>
    private static List<CaptionTrack> ParseCaptions(JsonElement root, Uri instance)
    {
        var result = new List<CaptionTrack>();
        if (root.GetPropertyOrNull("captions") is not { ValueKind: JsonValueKind.Array } list)
            return result;
        foreach (var item in list.EnumerateArray())
        {
            if (item.GetStringOrNull("language_code") is not { Length: > 0 } language
                || item.GetStringOrNull("url") is not { } url || !Uri.TryCreate(instance, url, out var absolute))
                continue;
            var label = item.GetStringOrNull("label") ?? language;
            // Invidious keeps YouTube's own names, which say "(auto-generated)" for speech recognition.
            result.Add(new CaptionTrack(language, label, label.Contains("auto-generated", StringComparison.OrdinalIgnoreCase), absolute));
        }
        return result;
    }

    private static YtDownloaderException ErrorToException(string error) =>
        error switch
        {
            _ when error.Contains("private", StringComparison.OrdinalIgnoreCase) => new VideoUnavailableException(
                UnavailableReason.Private, "This video is private: only its owner and the people they chose can watch it."),
            _ when error.Contains("confirm your age", StringComparison.OrdinalIgnoreCase) || error.Contains("age-restricted", StringComparison.OrdinalIgnoreCase) => new VideoUnavailableException(
                UnavailableReason.AgeRestricted, $"This video is age-restricted (the instance says: \u201c{error}\u201d)."),
            _ when error.Contains("bot", StringComparison.OrdinalIgnoreCase) => new SourceFailedException(
                $"The instance was refused by YouTube (it says: \u201c{error}\u201d)."),
            _ => new VideoUnavailableException(UnavailableReason.Unavailable, $"The instance says: \u201c{error}\u201d."),
        };

    private static MediaFormat? ParseFormat(JsonElement item, Uri instance)
    {
        if (item.GetStringOrNull("url") is not { Length: > 0 } url || !Uri.TryCreate(instance, url, out var absolute))
            return null;
        var mimeType = item.GetStringOrNull("type") ?? "";
        var (container, videoCodec, audioCodec) = MediaFormat.ParseMimeType(mimeType);
        int? width = null, height = null;
        if (item.GetStringOrNull("size") is { } size && size.Split('x') is [var w, var h]
            && int.TryParse(w, out var pw) && int.TryParse(h, out var ph))
            (width, height) = (pw, ph);
        var contentLength = item.GetInt64OrNull("clen");

        return new MediaFormat(
            Itag: (int)(item.GetInt64OrNull("itag") ?? 0),
            Url: absolute,
            MimeType: mimeType,
            Container: container,
            VideoCodec: videoCodec,
            AudioCodec: audioCodec,
            Width: width,
            Height: height,
            Fps: (int?)item.GetInt64OrNull("fps"),
            Bitrate: item.GetInt64OrNull("bitrate"),
            ContentLength: contentLength is > 0 ? contentLength : null,
            AudioSampleRate: (int?)item.GetInt64OrNull("audioSampleRate"),
            IsDefaultAudioTrack: item.GetPropertyOrNull("audioTrack")?.GetBooleanOrNull("isDefault") ?? true);
    }

    private static List<Thumbnail> ParseThumbnails(JsonElement root, Uri instance)
    {
        var result = new List<Thumbnail>();
        if (root.GetPropertyOrNull("videoThumbnails") is { ValueKind: JsonValueKind.Array } list)
        {
            foreach (var item in list.EnumerateArray())
            {
                if (item.GetStringOrNull("url") is { } url && Uri.TryCreate(instance, url, out var absolute))
                    result.Add(new Thumbnail(absolute.ToString(), (int)(item.GetInt64OrNull("width") ?? 0), (int)(item.GetInt64OrNull("height") ?? 0)));
            }
        }
        return result;
    }
}
