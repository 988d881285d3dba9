namespace YtDownloader.Urls;

/// <summary>
/// An 11-character YouTube video ID, such as <c>dQw4w9WgXcQ</c>, extracted from a bare ID or from any
/// of the YouTube link shapes people paste (watch pages, youtu.be, Shorts, embeds, live streams …).
/// </summary>
/// <remarks>
/// Only links to YouTube's own hosts are accepted; look-alike hosts, user-info tricks, channels,
/// playlists without a video and other pages are rejected with a reason a person can act on.
/// </remarks>
public readonly partial struct VideoId : IEquatable<VideoId>
{
    private readonly string? _value;

    private VideoId(string value) => _value = value;

    /// <summary>The 11-character ID (empty for <c>default(VideoId)</c>).</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Extracts a video ID from a bare ID or a YouTube link.</summary>
    /// <param name="input">What the user pasted; surrounding whitespace is ignored.</param>
    /// <returns>The video ID.</returns>
    /// <exception cref="FormatException">The input is not a single YouTube video; the message says why.</exception>
    public static VideoId Parse(string? input)
    {
        var result = Inspect(input);
        return result.Id ?? throw new FormatException(result.Error);
    }

    /// <summary>Extracts a video ID from a bare ID or a YouTube link, without throwing.</summary>
    /// <param name="input">What the user pasted; surrounding whitespace is ignored.</param>
    /// <returns>The video ID, or <see langword="null"/> when the input is rejected.</returns>
    public static VideoId? TryParse(string? input) => Inspect(input).Id;

    /// <summary>Extracts a video ID, or explains why the input is not a single YouTube video.</summary>
    /// <param name="input">What the user pasted; surrounding whitespace is ignored.</param>
    /// <returns>The ID when accepted, otherwise a short sentence describing the problem.</returns>
    public static VideoIdParseResult Inspect(string? input)
    {
        var (id, error) = YoutubeUrlParser.Extract(input);
        return id is null
            ? new VideoIdParseResult(null, error)
            : new VideoIdParseResult(new VideoId(id), null);
    }

    /// <summary>Returns <see cref="Value"/>.</summary>
    /// <returns>The 11-character ID.</returns>
    public override string ToString() => Value;

    /// <inheritdoc/>
    public bool Equals(VideoId other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is VideoId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>Whether two IDs are the same (case-sensitive).</summary>
    /// <param name="left">The first ID.</param>
    /// <param name="right">The second ID.</param>
    /// <returns><see langword="true"/> when both hold the same ID.</returns>
    public static bool operator ==(VideoId left, VideoId right) => left.Equals(right);

    /// <summary>Whether two IDs differ (case-sensitive).</summary>
    /// <param name="left">The first ID.</param>
    /// <param name="right">The second ID.</param>
    /// <returns><see langword="true"/> when the IDs differ.</returns>
    public static bool operator !=(VideoId left, VideoId right) => !left.Equals(right);
}

/// <summary>The outcome of <see cref="VideoId.Inspect(string?)"/>: either an ID or the reason it was rejected.</summary>
/// <param name="Id">The video ID, or <see langword="null"/> when the input was rejected.</param>
/// <param name="Error">A short sentence a person can act on, or <see langword="null"/> when accepted.</param>
public sealed record VideoIdParseResult(VideoId? Id, string? Error)
{
    /// <summary>Whether an ID was found.</summary>
    public bool IsValid => Id is not null;
}
