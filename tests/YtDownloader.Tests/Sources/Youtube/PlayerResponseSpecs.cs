using System.Text.Json;
using System.Text.Json.Nodes;
using YtDownloader.Sources;
using YtDownloader.Sources.Youtube;
using YtDownloader.Tests.TestSupport;
using YtDownloader.Urls;

namespace YtDownloader.Tests.Sources.Youtube;

public class PlayerResponseSpecs
{
    /// <summary>What parsing one recorded response must end in.</summary>
    public enum Outcome
    {
        /// <summary>Parsed: the table gives the usable, ciphered and SABR-only format counts.</summary>
        Parsed,
        SourceFailed,
        AgeRestricted,
        BotCheck,
        Private,
        Unavailable,
        MembersOnly,
        Live,
        Upcoming,
    }

    /// <summary>
    /// Every recorded <c>/player</c> and <c>reel_item_watch</c> response, with what parsing it must give.
    /// Counts were taken from the JSON with a script: formats with <c>url</c> or <c>signatureCipher</c> are usable,
    /// those with neither are SABR-only. They agree with the url/cipher counts in each folder's meta.json.
    /// </summary>
    private static readonly (string File, Outcome Outcome, int Formats, int Ciphered, int SabrOnly)[] Recorded =
    [
        ("2021-11_controversial_T4XJQO3qol8/player-ANDROID.json", Outcome.Parsed, 20, 0, 0),
        ("2021-11_controversial_T4XJQO3qol8/player-WEB.json", Outcome.Parsed, 18, 0, 0),
        ("2021-12_ios-hls_M4gD1WSo5mA/player-ANDROID.json", Outcome.Parsed, 20, 0, 0),
        ("2021-12_ios-hls_M4gD1WSo5mA/player-IOS.json", Outcome.Parsed, 7, 0, 0),
        ("2021-12_ios-hls_M4gD1WSo5mA/player-WEB.json", Outcome.Parsed, 18, 0, 0),
        ("2022-08_agerestricted-embedded_rwcfPqbAx-0/player-TVHTML5_SIMPLY_EMBEDDED_PLAYER.json", Outcome.Parsed, 13, 0, 0),
        ("2022-08_agerestricted-embedded_rwcfPqbAx-0/player-WEB.json", Outcome.AgeRestricted, 0, 0, 0),
        ("2022-08_live_jfKfPfyJRdk/player-IOS.json", Outcome.Live, 0, 0, 0),
        ("2022-08_live_jfKfPfyJRdk/player-WEB.json", Outcome.Live, 0, 0, 0),
        ("2022-08_notavailable_8VajtrESJzA/player-TVHTML5_SIMPLY_EMBEDDED_PLAYER.json", Outcome.Private, 0, 0, 0),
        ("2022-08_notavailable_8VajtrESJzA/player-WEB.json", Outcome.Private, 0, 0, 0),
        ("2022-08_notavailable_INVALID_ID_/player-TVHTML5_SIMPLY_EMBEDDED_PLAYER.json", Outcome.Unavailable, 0, 0, 0),
        ("2022-08_notavailable_INVALID_ID_/player-WEB.json", Outcome.Unavailable, 0, 0, 0),
        ("2022-08_notavailable__PL2HJKxnOM/player-TVHTML5_SIMPLY_EMBEDDED_PLAYER.json", Outcome.Unavailable, 0, 0, 0),
        ("2022-08_notavailable__PL2HJKxnOM/player-WEB.json", Outcome.Unavailable, 0, 0, 0),
        ("2022-08_notavailable_ayI2iBwGdxw/player-TVHTML5_SIMPLY_EMBEDDED_PLAYER.json", Outcome.MembersOnly, 0, 0, 0),
        ("2022-08_notavailable_ayI2iBwGdxw/player-WEB.json", Outcome.MembersOnly, 0, 0, 0),
        ("2022-08_notavailable_don-t-exist/player-TVHTML5_SIMPLY_EMBEDDED_PLAYER.json", Outcome.Unavailable, 0, 0, 0),
        ("2022-08_notavailable_don-t-exist/player-WEB.json", Outcome.Unavailable, 0, 0, 0),
        ("2022-08_notavailable_sMJ8bRN2dak/player-TVHTML5_SIMPLY_EMBEDDED_PLAYER.json", Outcome.MembersOnly, 0, 0, 0),
        ("2022-08_notavailable_sMJ8bRN2dak/player-WEB.json", Outcome.MembersOnly, 0, 0, 0),
        ("2022-08_relatedmix-web-cipher_K4DyBUG242c/player-ANDROID.json", Outcome.Parsed, 27, 0, 0),
        ("2022-08_relatedmix-web-cipher_K4DyBUG242c/player-WEB.json", Outcome.Parsed, 22, 22, 0),
        ("2023-02_descriptiveaudio_TjxC-evzxdk/player-ANDROID.json", Outcome.Parsed, 37, 0, 0),
        ("2023-02_descriptiveaudio_TjxC-evzxdk/player-WEB.json", Outcome.Parsed, 28, 0, 0),
        ("2023-03_dubbedaudio__8W2LIfl5RE/player-ANDROID.json", Outcome.Parsed, 40, 0, 0),
        ("2023-03_dubbedaudio__8W2LIfl5RE/player-WEB.json", Outcome.Parsed, 28, 0, 0),
        // YouTube answered with a "Video Not Available" stand-in video (aQvGIIdgFDM) instead of the one asked for.
        ("2024-05_generatedsubtitles_bvwohQavFV8/player-ANDROID.json", Outcome.SourceFailed, 0, 0, 0),
        ("2024-05_generatedsubtitles_bvwohQavFV8/player-WEB.json", Outcome.Parsed, 30, 0, 0),
        ("2024-07_agerestricted-embedded-ok_rwcfPqbAx-0/player-TVHTML5_SIMPLY_EMBEDDED_PLAYER.json", Outcome.Parsed, 9, 0, 0),
        ("2024-07_agerestricted-embedded-ok_rwcfPqbAx-0/player-WEB-fields.json", Outcome.AgeRestricted, 0, 0, 0),
        // UNPLAYABLE "Please sign in": a generic refusal.
        ("2024-11_agerestricted_rwcfPqbAx-0/player-TVHTML5_SIMPLY_EMBEDDED_PLAYER.json", Outcome.Unavailable, 0, 0, 0),
        ("2024-11_agerestricted_rwcfPqbAx-0/player-WEB-fields.json", Outcome.AgeRestricted, 0, 0, 0),
        ("2024-11_audiotrack-ios_kX3nB4PpJko/player-IOS.json", Outcome.Parsed, 93, 0, 0),
        // $fields answers without streamingData but with an OK status: metadata only.
        ("2024-11_audiotrack-ios_kX3nB4PpJko/player-WEB-fields.json", Outcome.Parsed, 0, 0, 0),
        ("2024-11_audiotrack-ios_kX3nB4PpJko/reel-ANDROID.json", Outcome.Parsed, 126, 0, 0),
        ("2025-02_live-tvhtml5_jfKfPfyJRdk/player-TVHTML5.json", Outcome.Live, 0, 0, 0),
        ("2025-02_live-tvhtml5_jfKfPfyJRdk/player-WEB-fields.json", Outcome.Live, 0, 0, 0),
        ("2025-02_live-tvhtml5_jfKfPfyJRdk/reel-ANDROID.json", Outcome.Live, 0, 0, 0),
        ("2025-02_relatedmix-tvhtml5-cipher_K4DyBUG242c/player-TVHTML5.json", Outcome.Parsed, 22, 22, 0),
        ("2025-02_relatedmix-tvhtml5-cipher_K4DyBUG242c/player-WEB-fields.json", Outcome.Parsed, 0, 0, 0),
        ("2025-02_relatedmix-tvhtml5-cipher_K4DyBUG242c/reel-ANDROID.json", Outcome.Parsed, 25, 0, 0),
        ("2025-07_notavailable-invalidId/player-WEB-fields.json", Outcome.Unavailable, 0, 0, 0),
        ("2025-07_notavailable-musicPremiumContent/player-WEB-fields.json", Outcome.MembersOnly, 0, 0, 0),
        ("2025-07_notavailable-nonExistent/player-WEB-fields.json", Outcome.Unavailable, 0, 0, 0),
        ("2025-07_notavailable-paidContent/player-WEB-fields.json", Outcome.MembersOnly, 0, 0, 0),
        ("2025-07_notavailable-privateContent/player-WEB-fields.json", Outcome.Private, 0, 0, 0),
        ("2025-07_notavailable-restricted/player-WEB-fields.json", Outcome.Unavailable, 0, 0, 0),
        ("2026-07_audiotracklanguage_kX3nB4PpJko/player-VISIONOS.json", Outcome.Parsed, 137, 0, 0),
        // 2026 $fields answers carry videoDetails but no playabilityStatus.
        ("2026-07_audiotracklanguage_kX3nB4PpJko/player-WEB-fields.json", Outcome.SourceFailed, 0, 0, 0),
        ("2026-07_audiotracklanguage_kX3nB4PpJko/reel-ANDROID.json", Outcome.Parsed, 1, 0, 175),
        ("2026-07_cclicensed_M4gD1WSo5mA/player-VISIONOS.json", Outcome.Parsed, 8, 0, 0),
        ("2026-07_cclicensed_M4gD1WSo5mA/player-WEB-fields.json", Outcome.SourceFailed, 0, 0, 0),
        ("2026-07_cclicensed_M4gD1WSo5mA/reel-ANDROID.json", Outcome.Parsed, 1, 0, 7),
        ("2026-07_livestream_X4VbdwhkE10/player-VISIONOS.json", Outcome.Live, 0, 0, 0),
        ("2026-07_livestream_X4VbdwhkE10/player-WEB-fields.json", Outcome.SourceFailed, 0, 0, 0),
        ("2026-07_livestream_X4VbdwhkE10/reel-ANDROID.json", Outcome.Live, 0, 0, 0),
        // Empty bodies "{}".
        ("2026-07_notavailable-invalidid/reel-ANDROID.json", Outcome.SourceFailed, 0, 0, 0),
        ("2026-07_notavailable-musicpremiumcontent/reel-ANDROID.json", Outcome.MembersOnly, 0, 0, 0),
        ("2026-07_notavailable-nonexistent/reel-ANDROID.json", Outcome.SourceFailed, 0, 0, 0),
        ("2026-07_notavailable-paidcontent/reel-ANDROID.json", Outcome.MembersOnly, 0, 0, 0),
        ("2026-07_notavailable-privatecontent/reel-ANDROID.json", Outcome.Private, 0, 0, 0),
        ("2026-07_notavailable-restricted/reel-ANDROID.json", Outcome.Unavailable, 0, 0, 0),
        ("2026-07_ratingsdisabled_it3OtbTxQk0/player-VISIONOS.json", Outcome.Unavailable, 0, 0, 0),
        ("2026-07_ratingsdisabled_it3OtbTxQk0/player-WEB-fields.json", Outcome.SourceFailed, 0, 0, 0),
        ("2026-07_ratingsdisabled_it3OtbTxQk0/reel-ANDROID.json", Outcome.Parsed, 1, 0, 6),
    ];

    public static TheoryData<string, Outcome, int, int, int> RecordedResponses()
    {
        var data = new TheoryData<string, Outcome, int, int, int>();
        foreach (var (file, outcome, formats, ciphered, sabrOnly) in Recorded)
            data.Add(file, outcome, formats, ciphered, sabrOnly);
        return data;
    }

    [Theory]
    [MemberData(nameof(RecordedResponses))]
    public void I_can_parse_every_recorded_player_response_into_formats_or_the_reason_it_cannot_be_played(
        string file, Outcome outcome, int formats, int ciphered, int sabrOnly)
    {
        var (root, id) = Load(file);

        switch (outcome)
        {
            case Outcome.Parsed:
                var response = PlayerResponse.Parse(root, id);
                response.Formats.Count.ShouldBe(formats);
                response.Formats.Count(f => f.Locator is StreamLocator.Ciphered).ShouldBe(ciphered);
                response.SabrOnlyFormatCount.ShouldBe(sabrOnly);
                response.Title.ShouldNotBeNullOrWhiteSpace();
                response.Formats.ShouldAllBe(f => f.Format.Itag > 0 && f.Format.MimeType.Length > 0 && (f.Format.HasVideo || f.Format.HasAudio));
                break;
            case Outcome.SourceFailed:
                Should.Throw<SourceFailedException>(() => PlayerResponse.Parse(root, id));
                break;
            default:
                var error = Should.Throw<VideoUnavailableException>(() => PlayerResponse.Parse(root, id));
                error.Reason.ShouldBe(Enum.Parse<UnavailableReason>(outcome.ToString()));
                error.Message.ShouldNotBeNullOrWhiteSpace();
                break;
        }
    }

    [Fact]
    public void I_have_an_expected_outcome_for_every_recorded_player_and_reel_response()
    {
        var onDisk = Directory.EnumerateFiles(Fixtures.Root, "*.json", SearchOption.AllDirectories)
            .Select(path => System.IO.Path.GetRelativePath(Fixtures.Root, path).Replace('\\', '/'))
            .Where(path => System.IO.Path.GetFileName(path) is var name && (name.StartsWith("player-") || name.StartsWith("reel-")))
            .Order(StringComparer.Ordinal)
            .ToList();

        onDisk.Count.ShouldBeGreaterThanOrEqualTo(60);
        Recorded.Select(r => r.File).Order(StringComparer.Ordinal).ShouldBe(onDisk);
    }

    [Theory]
    [InlineData("2021-11_controversial_T4XJQO3qol8/player-ANDROID.json", "Burning Everyone's Koran", "Amazing Atheist", 219, 3)]
    [InlineData("2023-03_dubbedaudio__8W2LIfl5RE/player-WEB.json", "Things are changing at the world's oldest hotel", "Tom Scott", 426, 5)]
    [InlineData("2024-11_audiotrack-ios_kX3nB4PpJko/player-WEB-fields.json", "Last To Take Hand Off Jet, Keeps It!", "MrBeast", 937, 5)]
    [InlineData("2025-02_relatedmix-tvhtml5-cipher_K4DyBUG242c/reel-ANDROID.json",
        "Cartoon, Jéja - On & On (feat. Daniel Levi) | Electronic Pop | NCS - Copyright Free Music", "NoCopyrightSounds", 208, 4)]
    [InlineData("2026-07_audiotracklanguage_kX3nB4PpJko/player-VISIONOS.json", "Last To Take Hand Off Jet, Keeps It!", "MrBeast", 937, 2)]
    public void I_can_read_title_author_duration_and_thumbnails_of_a_recorded_response(
        string file, string title, string author, int seconds, int thumbnails)
    {
        var (root, id) = Load(file);

        var response = PlayerResponse.Parse(root, id);

        response.Title.ShouldBe(title);
        response.Author.ShouldBe(author);
        response.Duration.ShouldBe(TimeSpan.FromSeconds(seconds));
        response.Thumbnails.Count.ShouldBe(thumbnails);
        response.Thumbnails.ShouldAllBe(t => t.Url.StartsWith("https://i.ytimg.com/") && t.Width > 0 && t.Height > 0);
    }

    [Fact]
    public void I_can_read_every_field_of_a_muxed_and_an_audio_format()
    {
        var (root, id) = Load("2021-11_controversial_T4XJQO3qol8/player-ANDROID.json");

        var response = PlayerResponse.Parse(root, id);

        response.ExpiresIn.ShouldBe(TimeSpan.FromSeconds(21540));
        response.Thumbnails[0].ShouldBe(new Thumbnail("https://i.ytimg.com/vi/T4XJQO3qol8/default.jpg", 120, 90));

        var muxed = response.Formats.Single(f => f.Format.Itag == 18);
        muxed.Locator.ShouldBeOfType<StreamLocator.Direct>().Url.ShouldStartWith("https://");
        muxed.Format.MimeType.ShouldBe("video/mp4; codecs=\"avc1.42001E, mp4a.40.2\"");
        muxed.Format.Container.ShouldBe("mp4");
        muxed.Format.VideoCodec.ShouldBe("avc1.42001E");
        muxed.Format.AudioCodec.ShouldBe("mp4a.40.2");
        muxed.Format.Width.ShouldBe(640);
        muxed.Format.Height.ShouldBe(360);
        muxed.Format.Resolution.ShouldBe("640x360");
        muxed.Format.Fps.ShouldBe(30);
        muxed.Format.Bitrate.ShouldBe(467724);
        muxed.Format.ContentLength.ShouldBe(12799173);
        muxed.Format.AudioSampleRate.ShouldBe(44100);
        muxed.Format.HasVideo.ShouldBeTrue();
        muxed.Format.HasAudio.ShouldBeTrue();
        muxed.Format.IsMuxed.ShouldBeTrue();
        muxed.Format.IsH264.ShouldBeTrue();
        muxed.Format.IsDefaultAudioTrack.ShouldBeTrue();

        var audio = response.Formats.Single(f => f.Format.Itag == 140).Format;
        audio.Container.ShouldBe("m4a");
        audio.VideoCodec.ShouldBeNull();
        audio.AudioCodec.ShouldBe("mp4a.40.2");
        audio.Width.ShouldBeNull();
        audio.Height.ShouldBeNull();
        audio.Fps.ShouldBeNull();
        audio.Bitrate.ShouldBe(127827);
        audio.ContentLength.ShouldBe(3479072);
        audio.AudioSampleRate.ShouldBe(44100);
        audio.HasVideo.ShouldBeFalse();
        audio.HasAudio.ShouldBeTrue();

        // itag 22 was recorded without contentLength.
        response.Formats.Single(f => f.Format.Itag == 22).Format.ContentLength.ShouldBeNull();
        response.Formats.Single(f => f.Format.Itag == 248).Format.ShouldSatisfyAllConditions(
            f => f.Container.ShouldBe("webm"),
            f => f.VideoCodec.ShouldBe("vp9"),
            f => f.HasAudio.ShouldBeFalse(),
            f => f.Resolution.ShouldBe("1920x1080"));
    }

    [Fact]
    public void I_can_read_the_signature_and_its_parameter_name_from_a_signature_cipher()
    {
        var (root, id) = Load("2022-08_relatedmix-web-cipher_K4DyBUG242c/player-WEB.json");

        var response = PlayerResponse.Parse(root, id);

        response.Formats.ShouldAllBe(f => f.Locator is StreamLocator.Ciphered);
        var first = response.Formats[0];
        first.Format.Itag.ShouldBe(18);
        var locator = first.Locator.ShouldBeOfType<StreamLocator.Ciphered>();
        locator.Signature.ShouldBe("ccAOq0QJ8wRQIhAJ4Q9Dn8xjuvnSH3Ox7GpjkDjCK9ETDdAJMFGAKafGDGAiAAq6E0g8=6EhrLLEnV_eYEjEEDXd846-jjOqqoZIErZA=Y");
        locator.SignatureParameter.ShouldBe("sig");
        locator.Url.ShouldStartWith("https://rr5---sn-hgn7rne7.googlevideo.com/videoplayback?expire=1660346178&");
        StreamUrl.GetParameter(locator.Url, "itag").ShouldBe("18");
        StreamUrl.GetParameter(locator.Url, "n").ShouldBe("oL0MKWosrIboIDthtL");
        StreamUrl.GetParameter(locator.Url, "mn").ShouldBe("sn-hgn7rne7,sn-25glenl6");
    }

    [Fact]
    public void I_can_read_the_ciphers_of_the_recorded_TV_client_response_once_it_has_a_title()
    {
        // The recorded TVHTML5 answer has no videoDetails.title: the video ID stands in for it.
        var (root, id) = Load("2025-02_relatedmix-tvhtml5-cipher_K4DyBUG242c/player-TVHTML5.json");

        var response = PlayerResponse.Parse(root, id);

        response.Title.ShouldBe("YouTube video K4DyBUG242c");
        response.Formats.Count.ShouldBe(22);
        response.SabrOnlyFormatCount.ShouldBe(0);
        response.Duration.ShouldBe(TimeSpan.FromSeconds(208));
        var locators = response.Formats.Select(f => f.Locator.ShouldBeOfType<StreamLocator.Ciphered>()).ToList();
        locators.ShouldAllBe(l => l.SignatureParameter == "sig" && l.Signature.Length >= 100 && l.Url.StartsWith("https://rr3---sn-h0jeened.googlevideo.com/videoplayback?"));
        locators[0].Signature.ShouldBe("9JAJfQdSswRgIhAILH4RZeiEvSAPabR8M53XZqa-OWyBhAAASHp6QgKvY_AiEAyoXb3Ofx9XvbfrkPQ-LLza3CbTTOa5ROQfN9ObBdsv8X8=");
        StreamUrl.GetParameter(locators[0].Url, "n").ShouldBe("wkgwYTRyxVGJhQXHi4");
        StreamUrl.GetParameter(locators[0].Url, "xpc").ShouldBe("EgVo2aDSNQ==");
    }

    [Fact]
    public void I_count_formats_that_only_stream_through_SABR_instead_of_returning_them()
    {
        var (root, id) = Load("2026-07_audiotracklanguage_kX3nB4PpJko/reel-ANDROID.json");

        var response = PlayerResponse.Parse(root, id);

        response.SabrOnlyFormatCount.ShouldBe(175);
        var only = response.Formats.ShouldHaveSingleItem();
        only.Locator.ShouldBeOfType<StreamLocator.Direct>();
        only.Format.Itag.ShouldBe(18);
        only.Format.IsMuxed.ShouldBeTrue();
    }

    [Fact]
    public void I_can_tell_the_default_audio_track_from_dubbed_ones()
    {
        var (root, id) = Load("2026-07_audiotracklanguage_kX3nB4PpJko/player-VISIONOS.json");

        var audio = PlayerResponse.Parse(root, id).Formats.Select(f => f.Format).Where(f => f.HasAudio && !f.HasVideo).ToList();

        audio.ShouldContain(f => f.IsDefaultAudioTrack);
        audio.ShouldContain(f => !f.IsDefaultAudioTrack);
    }

    [Fact]
    public void I_refuse_a_response_about_another_video_than_the_one_asked_for()
    {
        var (root, _) = Load("2021-11_controversial_T4XJQO3qol8/player-ANDROID.json");

        var error = Should.Throw<SourceFailedException>(() => PlayerResponse.Parse(root, VideoId.Parse("dQw4w9WgXcQ")));

        error.Message.ShouldContain("T4XJQO3qol8");
    }

    [Theory]
    [InlineData("""{"playabilityStatus":{"status":"LOGIN_REQUIRED","reason":"Sign in to confirm you’re not a bot"},"videoDetails":{"videoId":"dQw4w9WgXcQ"}}""", UnavailableReason.BotCheck)]
    [InlineData("""{"playabilityStatus":{"status":"LOGIN_REQUIRED"}}""", UnavailableReason.BotCheck)]
    [InlineData("""{"playabilityStatus":{"status":"LOGIN_REQUIRED","messages":["This is a private video. Please sign in to verify that you may see it."]}}""", UnavailableReason.Private)]
    [InlineData("""{"playabilityStatus":{"status":"OK"},"videoDetails":{"videoId":"dQw4w9WgXcQ","title":"t","isUpcoming":true}}""", UnavailableReason.Upcoming)]
    [InlineData("""{"playabilityStatus":{"status":"LIVE_STREAM_OFFLINE","reason":"Premieres in 2 hours"}}""", UnavailableReason.Upcoming)]
    [InlineData("""{"playabilityStatus":{"status":"UNPLAYABLE","errorScreen":{"playerErrorMessageRenderer":{"reason":{"runs":[{"text":"Join this channel to get access to "},{"text":"members-only content"}]}}}}}""", UnavailableReason.MembersOnly)]
    [InlineData("""{"playabilityStatus":{"status":"CONTENT_CHECK_REQUIRED"}}""", UnavailableReason.Unavailable)]
    [InlineData("""{"playabilityStatus":{}}""", UnavailableReason.Unavailable)]
    public void I_can_tell_why_a_video_cannot_be_played_from_hand_written_statuses(string json, UnavailableReason reason)
    {
        var error = Should.Throw<VideoUnavailableException>(() => Parse(json));

        error.Reason.ShouldBe(reason);
    }

    [Fact]
    public void I_can_read_a_player_response_nested_in_a_reel_response_with_numbers_as_strings()
    {
        var response = Parse("""
            {"playerResponse":{
              "playabilityStatus":{"status":"OK"},
              "videoDetails":{"videoId":"dQw4w9WgXcQ","title":"Title","author":"Author","lengthSeconds":"212",
                "thumbnail":{"thumbnails":[{"url":"https://i.ytimg.com/a.jpg","width":"120","height":90},{"width":1}]}},
              "streamingData":{"expiresInSeconds":"21540","adaptiveFormats":[
                {"itag":"137","url":"https://example.googlevideo.com/videoplayback?itag=137","mimeType":"video/mp4; codecs=\"avc1.640028\"",
                 "width":"1920","height":1080,"fps":30.0,"bitrate":"4000000","contentLength":"123456789"},
                {"itag":251,"cipher":"s=abc%3D&url=https%3A%2F%2Fexample.googlevideo.com%2Fvideoplayback%3Fitag%3D251","mimeType":"audio/webm; codecs=\"opus\"",
                 "audioSampleRate":"48000","audioTrack":{"audioIsDefault":false}},
                {"itag":140,"mimeType":"audio/mp4; codecs=\"mp4a.40.2\""}
              ]}}}
            """);

        response.Title.ShouldBe("Title");
        response.Author.ShouldBe("Author");
        response.Duration.ShouldBe(TimeSpan.FromSeconds(212));
        response.ExpiresIn.ShouldBe(TimeSpan.FromSeconds(21540));
        response.Thumbnails.ShouldHaveSingleItem().ShouldBe(new Thumbnail("https://i.ytimg.com/a.jpg", 120, 90));
        response.SabrOnlyFormatCount.ShouldBe(1);
        response.Formats.Count.ShouldBe(2);
        var video = response.Formats[0].Format;
        (video.Itag, video.Width, video.Height, video.Fps, video.Bitrate, video.ContentLength).ShouldBe((137, (int?)1920, (int?)1080, (int?)30, (long?)4000000, (long?)123456789));
        var audio = response.Formats[1];
        audio.Format.AudioSampleRate.ShouldBe(48000);
        audio.Format.IsDefaultAudioTrack.ShouldBeFalse();
        var cipher = audio.Locator.ShouldBeOfType<StreamLocator.Ciphered>();
        cipher.Signature.ShouldBe("abc=");
        cipher.SignatureParameter.ShouldBe("signature");
        cipher.Url.ShouldBe("https://example.googlevideo.com/videoplayback?itag=251");
    }

    public static TheoryData<string> MalformedResponses() =>
    [
        "[]",
        "null",
        "\"player\"",
        "42",
        "{}",
        """{"playerResponse":null}""",
        """{"playerResponse":[]}""",
        """{"playabilityStatus":"OK"}""",
        """{"playabilityStatus":[]}""",
        """{"playabilityStatus":{"status":"OK"}}""",
        """{"playabilityStatus":{"status":"OK"},"videoDetails":[]}""",
        """{"playabilityStatus":{"status":"OK"},"videoDetails":"dQw4w9WgXcQ"}""",
        """{"playabilityStatus":{"status":"OK"},"videoDetails":{"videoId":"dQw4w9WgXcQ"}}""",
        """{"playabilityStatus":{"status":"OK"},"videoDetails":{"videoId":42,"title":7}}""",
        """{"playabilityStatus":{"status":7,"reason":{},"messages":[1,null,{}],"errorScreen":[]}}""",
        """{"playabilityStatus":{"status":"LOGIN_REQUIRED","errorScreen":{"playerErrorMessageRenderer":{"reason":{"runs":[1,{"text":2}]}}}}}""",
        """{"playabilityStatus":{"status":"OK"},"videoDetails":{"videoId":"dQw4w9WgXcQ","title":"t","isLive":"true","thumbnail":{"thumbnails":[1,{"url":5},{"url":"x","width":{}}]}},"streamingData":[]}""",
        """{"playabilityStatus":{"status":"OK"},"videoDetails":{"videoId":"dQw4w9WgXcQ","title":"t"},"streamingData":{"formats":{},"adaptiveFormats":"none"}}""",
        """{"playabilityStatus":{"status":"OK"},"videoDetails":{"videoId":"dQw4w9WgXcQ","title":"t"},"streamingData":{"formats":[1,"x",null,[],{}]}}""",
        """{"playabilityStatus":{"status":"OK"},"videoDetails":{"videoId":"dQw4w9WgXcQ","title":"t"},"streamingData":{"formats":[{"url":"https://a/b","itag":"abc","width":{},"height":[],"fps":"x","bitrate":true,"contentLength":"-","audioSampleRate":null,"mimeType":5,"audioTrack":"en"}]}}""",
        """{"playabilityStatus":{"status":"OK"},"videoDetails":{"videoId":"dQw4w9WgXcQ","title":"t"},"streamingData":{"formats":[{"url":7,"signatureCipher":{"s":"x"}},{"signatureCipher":"s&sp=&url"},{"signatureCipher":"=&=&url=%ZZ&s=%E0%A4%A"},{"cipher":""}]}}""",
        """{"playabilityStatus":{"status":"OK"},"videoDetails":{"videoId":"dQw4w9WgXcQ","title":"t"},"streamingData":{"formats":[{"url":"https://a/b","itag":1e300,"width":-1e300,"height":3.5,"mimeType":"video/mp4; codecs=\"\""}]}}""",
    ];

    [Theory]
    [MemberData(nameof(MalformedResponses))]
    public void I_never_throw_anything_but_a_YtDownloaderException_on_a_malformed_response(string json)
    {
        var root = JsonDocument.Parse(json).RootElement;

        try
        {
            var response = PlayerResponse.Parse(root, VideoId.Parse("dQw4w9WgXcQ"));
            response.Formats.ShouldNotBeNull();
        }
        catch (Exception ex)
        {
            ex.ShouldBeAssignableTo<YtDownloaderException>();
        }
    }

    private static PlayerResponse Parse(string json) =>
        PlayerResponse.Parse(JsonDocument.Parse(json).RootElement, VideoId.Parse("dQw4w9WgXcQ"));

    private static (JsonElement Root, VideoId Id) Load(string file)
    {
        var path = Fixtures.Path(file.Split('/'));
        var folder = System.IO.Path.GetDirectoryName(path)!;
        using var meta = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(folder, "meta.json")));
        var id = VideoId.Parse(meta.RootElement.GetProperty("video_id").GetString());
        return (JsonDocument.Parse(File.ReadAllText(path)).RootElement, id);
    }
}
