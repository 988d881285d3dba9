using System.Globalization;
using System.Text.RegularExpressions;

namespace YtDownloader.Pipeline;

/// <summary>
/// The installed ffmpeg's major version, as the first line of <c>ffmpeg -version</c> gives it: one argument depends
/// on it (<see cref="FfmpegMuxer"/>).
/// </summary>
public static partial class FfmpegVersion
{
    /// <summary>
    /// The major version in "ffmpeg version 5.1.9-0+deb12u1 Copyright …" or "ffmpeg version n7.1 …"; null for a build
    /// from git ("ffmpeg version N-113000-g…"), or for anything else, whose version cannot be told.
    /// </summary>
    public static int? MajorOf(string versionOutput) =>
        ReleaseLine().Match(versionOutput) is { Success: true } match
            ? int.Parse(match.Groups["major"].ValueSpan, CultureInfo.InvariantCulture)
            : null;

    [GeneratedRegex(@"^ffmpeg version n?(?<major>\d{1,3})\.", RegexOptions.CultureInvariant)]
    private static partial Regex ReleaseLine();
}
