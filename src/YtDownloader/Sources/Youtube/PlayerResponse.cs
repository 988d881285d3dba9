using System.Globalization;
using System.Text.Json;
using YtDownloader.Urls;

namespace YtDownloader.Sources.Youtube;

/// <summary>Where a format's bytes come from, as the player response says it.</summary>
internal abstract record StreamLocator
{
    /// <summary>A ready URL, possibly with an <c>n</c> parameter still to transform.</summary>
    public sealed record Direct(string Url) : StreamLocator;

    /// <summary>A URL whose signature <c>s</c> must be deciphered and appended as <c>sp</c>.</summary>
    public sealed record Ciphered(string Url, string Signature, string SignatureParameter) : StreamLocator;
}

/// <summary>A format as parsed, before its URL is made usable.</summary>
internal sealed record PlayerFormat(StreamLocator Locator, MediaFormat Format);

/// <summary>
/// Reads an InnerTube <c>/player</c> response (or a <c>reel_item_watch</c> response that nests one under
/// <c>playerResponse</c>) into typed data. All knowledge of the response's JSON shape lives here.
/// </summary>
internal sealed class PlayerResponse
{
    private static readonly Uri PlaceholderUrl = new("about:blank");

    public required string Title { get; init; }
    public required string Author { get; init; }
    public required TimeSpan Duration { get; init; }
    public required IReadOnlyList<Thumbnail> Thumbnails { get; init; }
    public required IReadOnlyList<PlayerFormat> Formats { get; init; }
    public required string Description { get; init; }

    /// <summary>Only web-like clients' answers say it (in <c>microformat</c>); VISIONOS's and Android's do not.</summary>
    public required DateOnly? PublishedOn { get; init; }

    /// <summary>The caption tracks, their URLs as YouTube gave them (on www.youtube.com).</summary>
    public required IReadOnlyList<CaptionTrack> Captions { get; init; }

    /// <summary>Formats that carry neither a URL nor a cipher: only YouTube's SABR protocol streams them.</summary>
    public required int SabrOnlyFormatCount { get; init; }

    public required TimeSpan? ExpiresIn { get; init; }

    /// <summary>How long the forced pre-roll ads last (zero when there are none): the media servers refuse the streams until then.</summary>
    public required TimeSpan PreRoll { get; init; }

    /// <summary>Parses a response, throwing <see cref="VideoUnavailableException"/> for every playability failure.</summary>
    public static PlayerResponse Parse(JsonElement root, VideoId requested)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("playerResponse", out var nested))
            root = nested;
        if (root.ValueKind != JsonValueKind.Object)
            throw new SourceFailedException("YouTube answered with something that is not a player response.");

        var playability = root.GetPropertyOrNull("playabilityStatus")
            ?? throw new SourceFailedException("YouTube answered without a playability status; the video may not exist.");
        var details = root.GetPropertyOrNull("videoDetails");
        ThrowIfUnplayable(playability, details);

        if (details is not { } videoDetails)
            throw new SourceFailedException("YouTube's answer has no video details.");
        var videoId = videoDetails.GetStringOrNull("videoId");
        if (videoId is not null && videoId != requested.Value)
            throw new SourceFailedException($"YouTube answered for another video ({videoId}) than the one asked for.");

        var streaming = root.GetPropertyOrNull("streamingData");
        var formats = new List<PlayerFormat>();
        var sabrOnly = 0;
        foreach (var listName in (ReadOnlySpan<string>)["formats", "adaptiveFormats"])
        {
            if (streaming?.GetPropertyOrNull(listName) is not { ValueKind: JsonValueKind.Array } list)
                continue;
            foreach (var item in list.EnumerateArray())
            {
                if (ParseFormat(item) is { } format)
                    formats.Add(format);
                else
                    sabrOnly++;
            }
        }

        return new PlayerResponse
        {
            // The TV client leaves the title and author out of its answers.
            Title = videoDetails.GetStringOrNull("title") ?? $"YouTube video {requested.Value}",
            Author = videoDetails.GetStringOrNull("author") ?? "",
            Duration = videoDetails.GetSecondsOrZero("lengthSeconds"),
            Thumbnails = ParseThumbnails(videoDetails),
            Formats = formats,
            Description = videoDetails.GetStringOrNull("shortDescription") ?? "",
            PublishedOn = ParsePublishDate(root),
            Captions = ParseCaptions(root),
            SabrOnlyFormatCount = sabrOnly,
            ExpiresIn = streaming is { } data && data.GetSecondsOrZero("expiresInSeconds") is { Ticks: > 0 } expiresIn ? expiresIn : null,
            PreRoll = PreRollAds.WaitOf(root),
        };
    }

    private static void ThrowIfUnplayable(JsonElement playability, JsonElement? details)
    {
        var status = playability.GetStringOrNull("status") ?? "";
        var reason = ReasonOf(playability);
        var said = reason is null ? (status.Length == 0 ? "no status" : status) : $"{status}: {reason}";
        VideoUnavailableException Unavailable(UnavailableReason why, string message) => new(why, message, said);

        switch (status)
        {
            case "OK":
                if (details?.GetBooleanOrNull("isLive") == true)
                    throw Unavailable(UnavailableReason.Live,
                        "This is a live stream. Downloading live streams is not supported yet: wait until it has ended and YouTube has processed the recording.");
                if (details?.GetBooleanOrNull("isUpcoming") == true)
                    throw Unavailable(UnavailableReason.Upcoming,
                        "This is an upcoming live stream or premiere that has not started yet: try again once it has ended.");
                return;
            case "LIVE_STREAM_OFFLINE":
                throw Unavailable(UnavailableReason.Upcoming,
                    $"This live stream is offline{Quoted(reason)}. Downloading live streams is not supported yet.");
            case "LOGIN_REQUIRED" when Mentions(reason, "not a bot"):
                throw Unavailable(UnavailableReason.BotCheck,
                    $"YouTube refused this server's address: it asked to sign in to confirm this is not a bot{Quoted(reason)}. " + WhatHelpsABotCheck);
            case "LOGIN_REQUIRED" when Mentions(reason, "confirm your age") || Mentions(reason, "age-restricted") || Mentions(reason, "inappropriate"):
                throw Unavailable(UnavailableReason.AgeRestricted,
                    $"This video is age-restricted{Quoted(reason)}: YouTube plays it only to a signed-in account whose age is confirmed: configure that account's cookies in Youtube__CookiesFile.");
            case "LOGIN_REQUIRED" when Mentions(reason, "private"):
                throw Unavailable(UnavailableReason.Private,
                    "This video is private: only its owner and the people they chose can watch it.");
            case "UNPLAYABLE" or "ERROR" when Mentions(reason, "private video"):
                throw Unavailable(UnavailableReason.Private,
                    "This video is private: only its owner and the people they chose can watch it.");
            case "LOGIN_REQUIRED":
                throw Unavailable(UnavailableReason.BotCheck,
                    $"YouTube requires signing in to play this video from this server's address{Quoted(reason)}. " + WhatHelpsABotCheck);
            case "UNPLAYABLE" when Mentions(reason, "other websites"):
                throw Unavailable(UnavailableReason.Unavailable,
                    $"The owner does not allow this video to be played on other websites, so the embedded player cannot play it{Quoted(reason)}.");
            case "UNPLAYABLE" or "ERROR" when Mentions(reason, "members") || Mentions(reason, "Premium"):
                throw Unavailable(UnavailableReason.MembersOnly,
                    $"This video is only for paying members or subscribers{Quoted(reason)}.");
            default:
                throw Unavailable(UnavailableReason.Unavailable,
                    $"YouTube will not play this video{Quoted(reason)}: it may have been removed, be blocked in the server's country, or never have existed.");
        }
    }

    /// <summary>The most specific human-readable reason YouTube gave, from wherever this client put it.</summary>
    private static string? ReasonOf(JsonElement playability)
    {
        var texts = new List<string?>
        {
            playability.GetStringOrNull("reason"),
            playability.GetPropertyOrNull("errorScreen")?.GetPropertyOrNull("playerErrorMessageRenderer")?.GetPropertyOrNull("reason")?.GetText(),
        };
        if (playability.GetPropertyOrNull("messages") is { ValueKind: JsonValueKind.Array } messages)
            texts.AddRange(messages.EnumerateArray().Select(m => m.ValueKind == JsonValueKind.String ? m.GetString() : null));
        var found = texts.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t!.Trim()).Distinct().ToList();
        return found.Count == 0 ? null : string.Join(" ", found);
    }

    private const string WhatHelpsABotCheck =
        "This is usually temporary: YouTube lets an address through again after a while, so try again in a few minutes. "
        + "What helps for good: the cookies of a signed-in (throwaway) account in Youtube__CookiesFile, a PO token provider in Youtube__PoTokenProvider, "
        + "or an outgoing proxy (HTTPS_PROXY) on an address YouTube trusts; an Invidious instance (Invidious__Instances__0) can serve as a backup.";

    private static bool Mentions(string? reason, string word) =>
        reason?.Contains(word, StringComparison.OrdinalIgnoreCase) == true;

    private static string Quoted(string? reason) => reason is null ? "" : $" (YouTube says: \u201c{reason}\u201d)";

    private static List<Thumbnail> ParseThumbnails(JsonElement details)
    {
        var result = new List<Thumbnail>();
        if (details.GetPropertyOrNull("thumbnail")?.GetPropertyOrNull("thumbnails") is { ValueKind: JsonValueKind.Array } list)
        {
            foreach (var item in list.EnumerateArray())
            {
                if (item.GetStringOrNull("url") is { } url)
                    result.Add(new Thumbnail(url, (int)(item.GetInt64OrNull("width") ?? 0), (int)(item.GetInt64OrNull("height") ?? 0)));
            }
        }
        return result;
    }

    /// <summary>"2015-01-27", or "2024-05-06T01:44:52-07:00" in newer answers: the day as the uploader's clock had it.</summary>
    private static DateOnly? ParsePublishDate(JsonElement root)
    {
        var microformat = root.GetPropertyOrNull("microformat")?.GetPropertyOrNull("playerMicroformatRenderer");
        var text = microformat?.GetStringOrNull("publishDate") ?? microformat?.GetStringOrNull("uploadDate");
        return text is { Length: >= 10 } && DateOnly.TryParseExact(text[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : null;
    }

    /// <summary>
    /// <c>captions.playerCaptionsTracklistRenderer.captionTracks</c>: each track's <c>baseUrl</c> answers YouTube's own
    /// timedtext format, and WebVTT with <c>fmt=vtt</c>; <c>kind: "asr"</c> marks speech recognition.
    /// </summary>
    private static List<CaptionTrack> ParseCaptions(JsonElement root)
    {
        var result = new List<CaptionTrack>();
        if (root.GetPropertyOrNull("captions")?.GetPropertyOrNull("playerCaptionsTracklistRenderer")?.GetPropertyOrNull("captionTracks")
            is not { ValueKind: JsonValueKind.Array } tracks)
            return result;
        foreach (var track in tracks.EnumerateArray())
        {
            var language = track.GetStringOrNull("languageCode");
            var baseUrl = track.GetStringOrNull("baseUrl");
            if (string.IsNullOrWhiteSpace(language) || baseUrl is null
                || !Uri.TryCreate(StreamUrl.WithParameter(baseUrl, "fmt", "vtt"), UriKind.Absolute, out var vtt))
                continue;
            var name = track.GetPropertyOrNull("name")?.GetText() is { Length: > 0 } text ? text : language;
            result.Add(new CaptionTrack(language, name, track.GetStringOrNull("kind") == "asr", vtt));
        }
        return result;
    }

    private static PlayerFormat? ParseFormat(JsonElement item)
    {
        StreamLocator? locator = null;
        if (item.GetStringOrNull("url") is { } url)
            locator = new StreamLocator.Direct(url);
        else if ((item.GetStringOrNull("signatureCipher") ?? item.GetStringOrNull("cipher")) is { } cipher)
            locator = ParseCipher(cipher);
        if (locator is null)
            return null;

        var mimeType = item.GetStringOrNull("mimeType") ?? "";
        var (container, videoCodec, audioCodec) = MediaFormat.ParseMimeType(mimeType);
        var format = new MediaFormat(
            Itag: (int)(item.GetInt64OrNull("itag") ?? 0),
            Url: PlaceholderUrl,
            MimeType: mimeType,
            Container: container,
            VideoCodec: videoCodec,
            AudioCodec: audioCodec,
            Width: (int?)item.GetInt64OrNull("width"),
            Height: (int?)item.GetInt64OrNull("height"),
            Fps: (int?)item.GetInt64OrNull("fps"),
            Bitrate: item.GetInt64OrNull("bitrate"),
            ContentLength: item.GetInt64OrNull("contentLength"),
            AudioSampleRate: (int?)item.GetInt64OrNull("audioSampleRate"),
            IsDefaultAudioTrack: item.GetPropertyOrNull("audioTrack")?.GetBooleanOrNull("audioIsDefault") ?? true);
        return new PlayerFormat(locator, format);
    }

    private static StreamLocator.Ciphered? ParseCipher(string cipher)
    {
        string? url = null, signature = null, parameter = null;
        foreach (var pair in cipher.Split('&'))
        {
            var eq = pair.IndexOf('=');
            if (eq < 0)
                continue;
            var value = Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            switch (pair[..eq])
            {
                case "url": url = value; break;
                case "s": signature = value; break;
                case "sp": parameter = value; break;
            }
        }
        return url is null || signature is null ? null : new StreamLocator.Ciphered(url, signature, parameter ?? "signature");
    }
}
