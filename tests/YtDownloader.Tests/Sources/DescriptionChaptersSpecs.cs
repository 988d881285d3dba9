using YtDownloader.Sources;

namespace YtDownloader.Tests.Sources;

public class DescriptionChaptersSpecs
{
    private static readonly TimeSpan TwoHours = TimeSpan.FromHours(2);

    public static TheoryData<string, string> Descriptions => new()
    {
        // description (lines joined by \n), expected chapters as "seconds=title|…" ("" for none)
        { "0:00 Intro\n1:30 Verse\n3:05 Chorus", "0=Intro|90=Verse|185=Chorus" },
        { "Tracklist:\n00:00 - Intro\n05:10 \u2013 Part two\n1:02:03 | Finale\nThanks for watching", "0=Intro|310=Part two|3723=Finale" },
        { "[0:00] Start\n(2:00) Middle\n\u2022 4:00 End", "0=Start|120=Middle|240=End" },
        { "0:00 Intro\r\n0:10 Second\r\n0:20 Third", "0=Intro|10=Second|20=Third" },
        // Fewer than three.
        { "0:00 Intro\n1:00 Outro", "" },
        // Not starting at 0:00.
        { "0:05 Intro\n1:00 Middle\n2:00 End", "" },
        // Not ascending.
        { "0:00 Intro\n2:00 Middle\n1:00 End", "" },
        // A timestamp inside prose is not a chapter line.
        { "At 0:00 he starts, at 1:00 he sings, at 2:00 he stops.", "" },
        // Seconds past 59.
        { "0:00 Intro\n1:75 Middle\n2:00 End", "" },
        // A line with a time but no title is left out.
        { "0:00 Intro\n1:00\n2:00 Middle\n3:00 End", "0=Intro|120=Middle|180=End" },
        { "", "" },
    };

    [Theory]
    [MemberData(nameof(Descriptions))]
    public void Timestamp_lines_become_chapters_by_the_rules_players_apply(string description, string expected)
    {
        var chapters = DescriptionChapters.Parse(description, TwoHours);

        string.Join('|', chapters.Select(c => $"{c.Start.TotalSeconds}={c.Title}")).ShouldBe(expected);
    }

    [Fact]
    public void A_chapter_past_the_end_of_the_video_voids_the_list()
    {
        DescriptionChapters.Parse("0:00 Intro\n1:00 Middle\n9:00 End", TimeSpan.FromMinutes(5)).ShouldBeEmpty();
    }
}
