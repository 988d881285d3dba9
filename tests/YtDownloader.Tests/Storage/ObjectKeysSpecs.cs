using System.Globalization;
using System.Text;
using YtDownloader.Storage;
using YtDownloader.Urls;

namespace YtDownloader.Tests.Storage;

public class ObjectKeysSpecs
{
    private const string Prefix = "youtube/";
    private static readonly VideoId Id = VideoId.Parse("dQw4w9WgXcQ");

    public static TheoryData<string> HostileTitles() =>
    [
        "Never Gonna Give You Up",
        "AC/DC - Back In Black",
        "back\\slash\\title",
        "..",
        "../../etc/passwd",
        "..\\..\\windows\\system32",
        "/absolute/path",
        "title with\nnew line\r\tand tab\0and nul",
        "\u0007bell\u001b[31mred\u007f",
        "evil\u202Egnp.exe",
        "zero\u200Bwidth\u200Djoiner\uFEFFbom\u2028line\u2029para",
        "Emoji 🎉🔥 party 👨‍👩‍👧",
        new string('a', 500),
        string.Concat(Enumerable.Repeat("🎉", 300)),
        "",
        "   ",
        "!!!???...///",
        "日本語のタイトル：テスト【公式】",
        "【特別講義】英検を活用して4技能を伸ばそう!ライティング新形式で書く力を育てる方法（安河内哲也先生）",
        "Ünïcödé Çafé naïve",
        "قناة عربية",
        "%2e%2e%2f%2e%2e%2f",
        "a\"quoted\" <tag> | pipe * star ? : colon",
        "\ud800 lone surrogate \udc00",
        "CON",
    ];

    [Theory]
    [MemberData(nameof(HostileTitles))]
    public void I_build_a_safe_object_key_whatever_the_title(string title)
    {
        var key = ObjectKeys.For(Prefix, Id, title, "1280x720");

        key.ShouldStartWith("youtube/dQw4w9WgXcQ/");
        key.ShouldEndWith("_1280x720.mp4");
        key.Count(c => c == '/').ShouldBe(2);
        key.ShouldNotContain("..");
        key.ShouldNotContain("\\");
        key.ShouldNotContain("%");
        key.Length.ShouldBeLessThanOrEqualTo(200);
        key.ShouldAllBe(c => !char.IsControl(c) && !char.IsSurrogate(c));
        key.ShouldAllBe(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.Format
            && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.LineSeparator
            && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.ParagraphSeparator
            && !char.IsWhiteSpace(c));
        var stem = key["youtube/dQw4w9WgXcQ/".Length..^"_1280x720.mp4".Length];
        stem.ShouldNotBeEmpty();
        stem.ShouldNotStartWith("-");
        stem.ShouldNotEndWith("-");
        Encoding.UTF8.GetByteCount(key).ShouldBeLessThanOrEqualTo(1024); // S3's limit
    }

    [Theory]
    [InlineData("Never Gonna Give You Up", "Never-Gonna-Give-You-Up")]
    [InlineData("AC/DC - Back In Black", "AC-DC-Back-In-Black")]
    [InlineData("../../etc/passwd", "etc-passwd")]
    [InlineData("evil\u202Egnp.exe", "evil-gnp-exe")]
    [InlineData("Emoji 🎉 party", "Emoji-party")]
    [InlineData("日本語のタイトル：テスト", "日本語のタイトル-テスト")]
    [InlineData("", "video")]
    [InlineData("!!!???...///", "video")]
    [InlineData("🎉🔥", "video")]
    public void I_keep_letters_and_digits_of_the_title_joined_by_dashes(string title, string expected)
    {
        ObjectKeys.For(Prefix, Id, title, "1280x720").ShouldBe($"youtube/dQw4w9WgXcQ/{expected}_1280x720.mp4");
        ObjectKeys.SafeTitle(title).ShouldBe(expected);
    }

    [Fact]
    public void I_cut_a_long_title_to_a_bounded_length()
    {
        var key = ObjectKeys.For(Prefix, Id, string.Join(' ', Enumerable.Repeat("word", 200)), "1920x1080");

        key.Length.ShouldBeLessThanOrEqualTo(200);
        key.ShouldEndWith("_1920x1080.mp4");
        key.ShouldNotContain("-_");
    }

    [Fact]
    public void I_keep_a_hostile_quality_out_of_the_key_structure()
    {
        var key = ObjectKeys.For(Prefix, Id, "title", "../../x\\y 720");

        key.Count(c => c == '/').ShouldBe(2);
        key.ShouldNotContain("..");
        key.ShouldNotContain("\\");
        key.ShouldNotContain(" ");
    }

    [Theory]
    [MemberData(nameof(HostileTitles))]
    public void I_give_a_readable_file_name_without_separators_or_control_characters(string title)
    {
        var name = ObjectKeys.ReadableFileName(title, "1280x720");

        name.ShouldEndWith("_1280x720.mp4");
        name.Length.ShouldBeLessThanOrEqualTo(200);
        name.IndexOfAny(['/', '\\', ':', '*', '?', '"', '<', '>', '|']).ShouldBe(-1);
        name.ShouldNotStartWith(".");
        name.ShouldNotStartWith(" ");
        name.EnumerateRunes().ShouldAllBe(r => !Rune.IsControl(r)
            && Rune.GetUnicodeCategory(r) != UnicodeCategory.Format
            && Rune.GetUnicodeCategory(r) != UnicodeCategory.LineSeparator
            && Rune.GetUnicodeCategory(r) != UnicodeCategory.ParagraphSeparator);
        name.ShouldNotBe("_1280x720.mp4");
    }

    [Theory]
    [InlineData("日本語のタイトル", "日本語のタイトル_1280x720.mp4")]
    [InlineData("Emoji 🎉🔥 party", "Emoji 🎉🔥 party_1280x720.mp4")]
    [InlineData("Ünïcödé Çafé", "Ünïcödé Çafé_1280x720.mp4")]
    [InlineData("AC/DC: Back In Black?", "AC_DC_ Back In Black__1280x720.mp4")]
    [InlineData("evil\u202Egnp.exe", "evil_gnp.exe_1280x720.mp4")]
    [InlineData("line\nbreak\ttab", "line_break_tab_1280x720.mp4")]
    [InlineData("  ...hidden...  ", "hidden_1280x720.mp4")]
    [InlineData("..", "video_1280x720.mp4")]
    [InlineData("", "video_1280x720.mp4")]
    public void I_keep_the_title_readable_in_the_download_file_name(string title, string expected)
    {
        ObjectKeys.ReadableFileName(title, "1280x720").ShouldBe(expected);
    }

    [Fact]
    public void I_never_split_an_emoji_when_cutting_a_long_readable_name()
    {
        var name = ObjectKeys.ReadableFileName(new string('a', 149) + "🎉🎉🎉", "1280x720");

        name.ShouldNotContain("\uFFFD");
        name.EnumerateRunes().ShouldNotContain(Rune.ReplacementChar);
        Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(name)).ShouldBe(name);
    }

    [Theory]
    [MemberData(nameof(HostileTitles))]
    public void I_write_a_content_disposition_that_is_ASCII_with_the_UTF8_name_alongside(string title)
    {
        var fileName = ObjectKeys.ReadableFileName(title, "1280x720");

        var header = ObjectKeys.ContentDisposition(fileName);

        header.ShouldAllBe(c => c >= ' ' && c < 127);
        header.ShouldStartWith("attachment; filename=\"");
        var marker = "; filename*=UTF-8''";
        header.ShouldContain(marker);
        var fallback = header["attachment; filename=\"".Length..header.IndexOf(marker, StringComparison.Ordinal)];
        fallback.ShouldEndWith("\"");
        fallback[..^1].ShouldNotContain("\"");
        fallback[..^1].ShouldNotContain("\\");
        var encoded = header[(header.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
        // RFC 8187 attr-char, plus "%" for the escapes.
        encoded.ShouldAllBe(c => char.IsAsciiLetterOrDigit(c) || "!#$&+-.^_`|~%".Contains(c));
        Uri.UnescapeDataString(encoded).ShouldBe(fileName);
    }

    [Theory]
    [InlineData("Never Gonna Give You Up_1280x720.mp4", "Never Gonna Give You Up_1280x720.mp4")]
    [InlineData("日本語_1280x720.mp4", "____1280x720.mp4")]
    [InlineData("a \"quoted\" name.mp4", "a _quoted_ name.mp4")]
    [InlineData("日本語", "video.mp4")]
    public void I_render_a_file_name_as_ASCII_for_headers_and_metadata(string fileName, string expected)
    {
        ObjectKeys.AsciiFileName(fileName).ShouldBe(expected);
    }

    [Theory]
    [MemberData(nameof(HostileTitles))]
    public void The_metadata_title_is_ASCII_at_most_1_KiB_and_decodes_to_the_start_of_the_title(string title)
    {
        var metadata = ObjectKeys.MetadataTitle(title);

        metadata.Length.ShouldBeLessThanOrEqualTo(1024);
        metadata.ShouldAllBe(c => c >= ' ' && c < 127);
        // Lone surrogates become U+FFFD on the way; every whole character survives, in order, from the first.
        var wellFormed = string.Concat(title.EnumerateRunes().Select(r => r.ToString()));
        wellFormed.ShouldStartWith(Uri.UnescapeDataString(metadata));
        if (Uri.EscapeDataString(wellFormed).Length <= 1024)
            Uri.UnescapeDataString(metadata).ShouldBe(wellFormed);
    }

    [Theory]
    [InlineData(new string[0], "youtube/dQw4w9WgXcQ/My-title_1280x720.mp4")]
    [InlineData(new[] { "en" }, "youtube/dQw4w9WgXcQ/My-title_1280x720_en.mp4")]
    [InlineData(new[] { "en", "pt-BR" }, "youtube/dQw4w9WgXcQ/My-title_1280x720_en_pt-BR.mp4")]
    [InlineData(new[] { "../e/v\\il" }, "youtube/dQw4w9WgXcQ/My-title_1280x720_evil.mp4")]
    public void A_files_key_names_the_subtitle_languages_that_come_with_it(string[] languages, string key)
    {
        ObjectKeys.For(Prefix, Id, "My title", "1280x720", "mp4", languages).ShouldBe(key);
    }

    [Fact]
    public void A_subtitles_key_is_its_videos_stem_with_the_language()
    {
        ObjectKeys.Subtitle(Prefix, Id, "My title", "1280x720", "pt-BR").ShouldBe("youtube/dQw4w9WgXcQ/My-title_1280x720_pt-BR.vtt");
        ObjectKeys.ReadableFileName("My title", "1280x720", "vtt", "de").ShouldBe("My title_1280x720_de.vtt");
    }
}
