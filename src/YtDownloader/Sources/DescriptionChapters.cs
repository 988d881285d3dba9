using System.Globalization;
using System.Text.RegularExpressions;

namespace YtDownloader.Sources;

/// <summary>
/// Chapters from a description's timestamp lines, by the rules YouTube's player applies before it shows them: a line
/// that starts with a timestamp (<c>0:00 Intro</c>, <c>1:02:03 - Part two</c>, <c>[12:30] Outro</c>) is a chapter,
/// the first must be at 0:00, each must start after the one before, and there must be at least three. A list that
/// breaks a rule is no chapters at all, as on YouTube: half a list would put wrong marks in the file.
/// </summary>
public static partial class DescriptionChapters
{
    private const int MinimumCount = 3;

    public static IReadOnlyList<Chapter> Parse(string description, TimeSpan duration)
    {
        var chapters = new List<Chapter>();
        foreach (var line in description.Split('\n'))
        {
            var match = TimestampLine().Match(line.Trim());
            if (!match.Success)
                continue;
            var hours = match.Groups["h"].Success ? int.Parse(match.Groups["h"].Value, CultureInfo.InvariantCulture) : 0;
            var minutes = int.Parse(match.Groups["m"].Value, CultureInfo.InvariantCulture);
            var seconds = int.Parse(match.Groups["s"].Value, CultureInfo.InvariantCulture);
            if (seconds >= 60 || (match.Groups["h"].Success && minutes >= 60))
                return [];
            var title = match.Groups["title"].Value.Trim();
            if (title.Length == 0)
                continue;
            chapters.Add(new Chapter(new TimeSpan(hours, minutes, seconds), title));
        }

        if (chapters.Count < MinimumCount || chapters[0].Start != TimeSpan.Zero)
            return [];
        for (var i = 1; i < chapters.Count; i++)
        {
            if (chapters[i].Start <= chapters[i - 1].Start)
                return [];
        }
        // A mark past the end belongs to another cut of the video (or a typo): the list cannot be trusted.
        if (duration > TimeSpan.Zero && chapters[^1].Start >= duration)
            return [];
        return chapters;
    }

    // A bullet or bracket may come before the time, and a dash, colon or bar between it and the title.
    [GeneratedRegex(@"^[\-\u2022\u25B6*]?\s*[\(\[]?(?:(?<h>\d{1,2}):(?=\d{2}:))?(?<m>\d{1,2}):(?<s>\d{2})[\)\]]?(?:\s*[\-\u2013\u2014:|]\s*|\s+)(?<title>.*)$")]
    private static partial Regex TimestampLine();
}
