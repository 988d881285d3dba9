using YtDownloader.Pipeline;
using YtDownloader.Sources;

namespace YtDownloader.Tests.Pipeline;

public class FileTagsSpecs
{
    [Theory]
    [InlineData("Plain title", "Plain title")]
    [InlineData("a=b;c#d\\e", "a\\=b\\;c\\#d\\\\e")]
    [InlineData("line one\nline two", "line one\\\nline two")]
    [InlineData("cr\r\nlf\rlone", "cr\\\nlf\\\nlone")]
    [InlineData("nul\0bell\u0007tab\tkept", "nulbelltab\tkept")]
    [InlineData("\n[CHAPTER]\ntitle=x", "\\\n[CHAPTER]\\\ntitle\\=x")]
    public void Every_special_character_of_FFMETADATA_is_escaped(string value, string escaped)
    {
        FileTags.Escape(value).ShouldBe(escaped);
    }

    [Fact]
    public void The_metadata_file_holds_one_line_per_tag_and_a_section_per_chapter_ending_where_the_next_starts()
    {
        var tags = new FileTags(
            "T", "Channel", new DateOnly(2024, 5, 6), "https://www.youtube.com/watch?v=aaaaaaaaaaa", "About",
            [new Chapter(TimeSpan.Zero, "Intro"), new Chapter(TimeSpan.FromSeconds(1.5), "End")], TimeSpan.FromSeconds(3));

        tags.ToFfmetadata().ShouldBe(
            ";FFMETADATA1\ntitle=T\nartist=Channel\ndate=2024-05-06\ncomment=https://www.youtube.com/watch?v\\=aaaaaaaaaaa\ndescription=About\n"
            + "[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1500\ntitle=Intro\n"
            + "[CHAPTER]\nTIMEBASE=1/1000\nSTART=1500\nEND=3000\ntitle=End\n");
        tags.ToFfmetadata(withDescription: false).ShouldNotContain("description=");
    }

    [Theory]
    [InlineData("en", "eng")]
    [InlineData("de", "deu")]
    [InlineData("pt-BR", "por")]
    [InlineData("zh-Hans", "zho")]
    [InlineData("iw", "heb")]
    [InlineData("xx", "und")]
    public void A_caption_language_becomes_the_three_letters_an_MP4_track_takes(string language, string iso6392)
    {
        SubtitleLanguages.ToIso6392(language).ShouldBe(iso6392);
    }
}
