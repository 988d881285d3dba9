namespace YtDownloader.Sources;

/// <summary>One downloadable stream: muxed (video and audio), video-only or audio-only.</summary>
/// <param name="Headers">Headers every request for this stream must carry, as the source says (yt-dlp's <c>http_headers</c>).</param>
public sealed record MediaFormat(
    int Itag,
    Uri Url,
    string MimeType,
    string Container,
    string? VideoCodec,
    string? AudioCodec,
    int? Width,
    int? Height,
    int? Fps,
    long? Bitrate,
    long? ContentLength,
    int? AudioSampleRate,
    bool IsDefaultAudioTrack = true,
    IReadOnlyDictionary<string, string>? Headers = null)
{
    public bool HasVideo => VideoCodec is not null;
    public bool HasAudio => AudioCodec is not null;
    public bool IsMuxed => HasVideo && HasAudio;

    /// <summary>"1280x720", the key users pick a quality by.</summary>
    public string? Resolution => Width is { } w && Height is { } h ? $"{w}x{h}" : null;

    public bool IsH264 => VideoCodec?.StartsWith("avc1", StringComparison.OrdinalIgnoreCase) == true;
    public bool IsAac => AudioCodec?.StartsWith("mp4a", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>
    /// Splits a MIME type such as <c>video/mp4; codecs="avc1.640028, mp4a.40.2"</c> into
    /// container and codecs, telling video codecs from audio ones by their well-known prefixes.
    /// </summary>
    public static (string Container, string? VideoCodec, string? AudioCodec) ParseMimeType(string mimeType)
    {
        var semicolon = mimeType.IndexOf(';');
        var type = (semicolon < 0 ? mimeType : mimeType[..semicolon]).Trim();
        var slash = type.IndexOf('/');
        var container = slash < 0 ? type : type[(slash + 1)..];
        var isAudioType = type.StartsWith("audio/", StringComparison.OrdinalIgnoreCase);

        string? video = null, audio = null;
        var codecsStart = mimeType.IndexOf("codecs=", StringComparison.OrdinalIgnoreCase);
        if (codecsStart >= 0)
        {
            var codecs = mimeType[(codecsStart + "codecs=".Length)..].Trim().Trim('"');
            foreach (var raw in codecs.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var codec = raw.Trim('"');
                if (isAudioType || IsAudioCodec(codec))
                    audio ??= codec;
                else
                    video ??= codec;
            }
        }

        if (container.Equals("mp4", StringComparison.OrdinalIgnoreCase) && isAudioType)
            container = "m4a";
        return (container.ToLowerInvariant(), video, audio);
    }

    private static bool IsAudioCodec(string codec) =>
        codec.StartsWith("mp4a", StringComparison.OrdinalIgnoreCase)
        || codec.StartsWith("opus", StringComparison.OrdinalIgnoreCase)
        || codec.StartsWith("vorbis", StringComparison.OrdinalIgnoreCase)
        || codec.StartsWith("ac-3", StringComparison.OrdinalIgnoreCase)
        || codec.StartsWith("ec-3", StringComparison.OrdinalIgnoreCase)
        || codec.StartsWith("flac", StringComparison.OrdinalIgnoreCase);
}
