namespace YtDownloader.Urls;

/// <summary>
/// Knows which URL shapes point at a single YouTube video. Hand-written span parsing (no Regex, no
/// <see cref="Uri"/> host resolution) so it stays small, allocation-light and WebAssembly-friendly.
/// Scheme, host and path keywords are matched case-insensitively; query keys and the ID are case-sensitive.
/// A numeric port (e.g. <c>youtube.com:443</c>) is accepted and ignored; user-info (<c>a@host</c>) is rejected.
/// </summary>
internal static class YoutubeUrlParser
{
    /// <summary>Longest input (after trimming) that is even looked at.</summary>
    internal const int MaxLength = 2048;

    /// <summary>Every YouTube video ID has exactly this many characters.</summary>
    internal const int IdLength = 11;

    internal enum HostKind { None, YouTube, ShortLink, GoogleApis }

    internal static (string? Id, string? Error) Extract(string? input)
    {
        if (input is null)
        {
            return Fail(Reasons.Empty);
        }

        var text = input.AsSpan().Trim();
        if (text.IsEmpty)
        {
            return Fail(Reasons.Empty);
        }

        if (text.Length > MaxLength)
        {
            return Fail(Reasons.TooLong);
        }

        // dQw4w9WgXcQ — anything without URL punctuation is treated as a bare ID.
        return text.IndexOfAny("/.:?#&=@\\") < 0 ? ValidateBareId(text) : ParseUrl(text);
    }

    private static (string? Id, string? Error) ParseUrl(ReadOnlySpan<char> text)
    {
        if (Locate(text, out var kind, out var path, out var query) is { } error)
        {
            return Fail(error);
        }

        return kind switch
        {
            HostKind.ShortLink => ParseShortLink(path),
            HostKind.GoogleApis => ParseGoogleApis(path),
            _ => ParseYouTubePath(path, query, allowAttribution: true),
        };
    }

    /// <summary>
    /// Checks scheme and host the way a browser reads them and splits off path and query; shared by the video
    /// and the list parser, so both refuse exactly the same look-alike hosts.
    /// </summary>
    /// <returns>The reason the link is refused, or <see langword="null"/> when it is on one of YouTube's hosts.</returns>
    internal static string? Locate(
        ReadOnlySpan<char> text, out HostKind kind, out ReadOnlySpan<char> path, out ReadOnlySpan<char> query)
    {
        kind = HostKind.None;
        path = [];
        query = [];
        var rest = text;

        // Scheme: "https://…", "HTTP://…", or none at all ("youtube.com/…", "//youtu.be/…").
        // "javascript:…" / "mailto:…" (no dot before the colon) count as schemes; "youtube.com:443" does not.
        var colon = rest.IndexOf(':');
        if (colon > 0 && IsSchemeLike(rest[..colon])
            && (rest[(colon + 1)..].StartsWith("//") || !rest[..colon].Contains('.')))
        {
            var scheme = rest[..colon];
            if (!scheme.Equals("http", StringComparison.OrdinalIgnoreCase)
                && !scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
            {
                return Reasons.Scheme;
            }

            rest = rest[(colon + 1)..];
            if (!rest.StartsWith("//"))
            {
                return Reasons.NotYouTube;
            }

            rest = rest[2..];
        }
        else if (rest.StartsWith("//"))
        {
            rest = rest[2..];
        }

        // Authority ends where browsers end it for http(s): at / ? # or \.
        var authorityEnd = rest.IndexOfAny("/?#\\");
        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        var remainder = authorityEnd < 0 ? [] : rest[authorityEnd..];

        // https://youtube.com@evil.example/… really goes to evil.example.
        if (authority.Contains('@'))
        {
            return Reasons.NotYouTube;
        }

        var host = authority;
        var portColon = authority.IndexOf(':');
        if (portColon >= 0)
        {
            var port = authority[(portColon + 1)..];
            if (port.IsEmpty || port.Length > 5 || port.ContainsAnyExceptInRange('0', '9'))
            {
                return Reasons.NotYouTube;
            }

            host = authority[..portColon];
        }

        kind = ClassifyHost(host);
        if (kind == HostKind.None)
        {
            return Reasons.NotYouTube;
        }

        SplitPathAndQuery(remainder, out path, out query);
        return null;
    }

    private static HostKind ClassifyHost(ReadOnlySpan<char> host)
    {
        // Exact host names only: "youtube.com.evil.example", "evilyoutube.com", "youtube.co" all fail here.
        if (Is(host, "youtube.com") || Is(host, "www.youtube.com") || Is(host, "m.youtube.com")
            || Is(host, "music.youtube.com") || Is(host, "youtube-nocookie.com") || Is(host, "www.youtube-nocookie.com"))
        {
            return HostKind.YouTube;
        }

        if (Is(host, "youtu.be") || Is(host, "www.youtu.be"))
        {
            return HostKind.ShortLink;
        }

        return Is(host, "youtube.googleapis.com") ? HostKind.GoogleApis : HostKind.None;
    }

    // https://youtu.be/dQw4w9WgXcQ?si=abc&t=42
    private static (string? Id, string? Error) ParseShortLink(ReadOnlySpan<char> path)
    {
        var count = Segments(path, out var first, out _);
        return count == 1 ? ValidateId(first) : Fail(Reasons.NotAVideo);
    }

    // https://youtube.googleapis.com/v/dQw4w9WgXcQ
    private static (string? Id, string? Error) ParseGoogleApis(ReadOnlySpan<char> path)
    {
        var count = Segments(path, out var first, out var second);
        return count == 2 && Is(first, "v") ? ValidateId(CutAtAmpersand(second)) : Fail(Reasons.NotAVideo);
    }

    private static (string? Id, string? Error) ParseYouTubePath(
        ReadOnlySpan<char> path, ReadOnlySpan<char> query, bool allowAttribution)
    {
        var count = Segments(path, out var first, out var second);
        if (count == 0)
        {
            return Fail(Reasons.NotAVideo); // https://www.youtube.com/
        }

        if (first[0] == '@' || Is(first, "channel") || Is(first, "c") || Is(first, "user"))
        {
            // https://www.youtube.com/@handle, /channel/UC…, /c/Name, /user/Name
            return Fail(Reasons.Channel);
        }

        if (Is(first, "playlist"))
        {
            return Fail(Reasons.Playlist); // https://www.youtube.com/playlist?list=PL…
        }

        if (count == 1 && (Is(first, "watch") || Is(first, "watch_popup")))
        {
            // https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10s&list=PL…&feature=share#t=10
            // https://www.youtube.com/watch?feature=player_embedded&v=dQw4w9WgXcQ
            // https://www.youtube.com/watch_popup?v=dQw4w9WgXcQ
            if (TryGetQueryValue(query, "v", out var v))
            {
                return ValidateEncodedId(v);
            }

            // https://www.youtube.com/watch?list=PL… (playlist without a video)
            return TryGetQueryValue(query, "list", out _) ? Fail(Reasons.Playlist) : Fail(Reasons.NotAVideo);
        }

        if (count == 2 && (Is(first, "watch") || Is(first, "shorts") || Is(first, "live")))
        {
            // https://www.youtube.com/watch/dQw4w9WgXcQ
            // https://www.youtube.com/shorts/dQw4w9WgXcQ?feature=share
            // https://www.youtube.com/live/dQw4w9WgXcQ?si=abc
            return ValidateId(second);
        }

        if (count == 2 && (Is(first, "embed") || Is(first, "v") || Is(first, "e")))
        {
            // https://www.youtube.com/embed/videoseries?list=PL… (an embedded playlist)
            if (Is(first, "embed") && Is(second, "videoseries"))
            {
                return Fail(Reasons.Playlist);
            }

            // https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=30
            // https://www.youtube.com/v/dQw4w9WgXcQ&hl=en_US&fs=1 (old Flash embed, '&' in the path)
            // https://www.youtube.com/e/dQw4w9WgXcQ
            return ValidateId(CutAtAmpersand(second));
        }

        if (count == 1 && allowAttribution && Is(first, "attribution_link"))
        {
            // https://www.youtube.com/attribution_link?a=xyz&u=/watch%3Fv%3DdQw4w9WgXcQ%26feature%3Dshare
            if (!TryGetQueryValue(query, "u", out var u))
            {
                return Fail(Reasons.NotAVideo);
            }

            var target = Decode(u);
            if (!target.StartsWith('/') || target.StartsWith("//"))
            {
                return Fail(Reasons.NotAVideo);
            }

            SplitPathAndQuery(target, out var innerPath, out var innerQuery);
            return ParseYouTubePath(innerPath, innerQuery, allowAttribution: false);
        }

        // https://www.youtube.com/feed/trending, /results?search_query=…, anything else
        return Fail(Reasons.NotAVideo);
    }

    private static (string? Id, string? Error) ValidateEncodedId(ReadOnlySpan<char> raw) =>
        raw.Contains('%') ? ValidateId(Decode(raw)) : ValidateId(raw);

    // Words typed or pasted in place of a link ("not a link", a title) are not an ID of the wrong length.
    private static (string? Id, string? Error) ValidateBareId(ReadOnlySpan<char> text) =>
        text.Length != IdLength && text.ContainsAny(" \t\r\n") ? Fail(Reasons.NotALink) : ValidateId(text);

    internal static (string? Id, string? Error) ValidateId(ReadOnlySpan<char> candidate)
    {
        if (candidate.IsEmpty)
        {
            return Fail(Reasons.MissingId);
        }

        if (candidate.Length != IdLength)
        {
            return Fail(Reasons.WrongLength(candidate.Length));
        }

        foreach (var c in candidate)
        {
            if (!IsIdChar(c))
            {
                return Fail(Reasons.BadCharacters);
            }
        }

        return (candidate.ToString(), null);
    }

    internal static bool IsIdChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_';

    private static bool IsSchemeLike(ReadOnlySpan<char> s)
    {
        if (!char.IsAsciiLetter(s[0]))
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '+' && c != '-' && c != '.')
            {
                return false;
            }
        }

        return true;
    }

    internal static void SplitPathAndQuery(
        ReadOnlySpan<char> remainder, out ReadOnlySpan<char> path, out ReadOnlySpan<char> query)
    {
        var hash = remainder.IndexOf('#');
        if (hash >= 0)
        {
            remainder = remainder[..hash]; // fragments (#t=10) never carry the ID we accept
        }

        var question = remainder.IndexOf('?');
        path = question < 0 ? remainder : remainder[..question];
        query = question < 0 ? [] : remainder[(question + 1)..];
    }

    /// <summary>Counts non-empty path segments (stopping at 3) and returns the first two.</summary>
    internal static int Segments(ReadOnlySpan<char> path, out ReadOnlySpan<char> first, out ReadOnlySpan<char> second)
    {
        first = [];
        second = [];
        var count = 0;
        foreach (var range in path.Split('/'))
        {
            var segment = path[range];
            if (segment.IsEmpty)
            {
                continue;
            }

            switch (count++)
            {
                case 0: first = segment; break;
                case 1: second = segment; break;
                default: return count;
            }
        }

        return count;
    }

    internal static bool TryGetQueryValue(ReadOnlySpan<char> query, string key, out ReadOnlySpan<char> value)
    {
        foreach (var range in query.Split('&'))
        {
            var pair = query[range];
            var eq = pair.IndexOf('=');
            var name = eq < 0 ? pair : pair[..eq];
            if (name.SequenceEqual(key))
            {
                value = eq < 0 ? [] : pair[(eq + 1)..];
                return true;
            }
        }

        value = [];
        return false;
    }

    private static ReadOnlySpan<char> CutAtAmpersand(ReadOnlySpan<char> segment)
    {
        var amp = segment.IndexOf('&');
        return amp < 0 ? segment : segment[..amp];
    }

    internal static string Decode(ReadOnlySpan<char> value) => Uri.UnescapeDataString(value);

    internal static bool Is(ReadOnlySpan<char> actual, string expected) =>
        actual.Equals(expected, StringComparison.OrdinalIgnoreCase);

    private static (string? Id, string? Error) Fail(string reason) => (null, reason);

    /// <summary>Every rejection reason, worded so a person knows what to do next.</summary>
    internal static class Reasons
    {
        internal const string Empty = "The link is empty.";
        internal const string TooLong = "The link is too long to be a YouTube video link (over 2048 characters).";
        internal const string Scheme = "Only web links (http:// or https://) are accepted.";
        internal const string NotYouTube = "Only YouTube links are accepted (youtube.com, youtu.be, youtube-nocookie.com).";
        internal const string Channel = "This is a channel link, not a video: open one of its videos and copy that link.";
        internal const string Playlist = "This is a playlist link without a video: open one of its videos and copy that link.";
        internal const string NotAVideo = "This YouTube page does not point to a single video.";
        internal const string MissingId = "The link does not contain a video ID.";
        internal const string NotALink = "This is neither a link nor a video ID: copy the video's link from YouTube (Share → Copy link) and paste it here.";
        internal const string BadCharacters =
            "The video ID contains characters YouTube never uses (allowed: A–Z, a–z, 0–9, - and _).";

        internal static string WrongLength(int length) =>
            $"A video ID has {IdLength} characters; this one has {length}.";
    }
}
