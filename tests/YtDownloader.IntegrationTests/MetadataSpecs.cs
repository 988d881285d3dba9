using System.Net;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>What a stored file says about itself, read back by the real ffprobe from what the real service stored in S3.</summary>
public sealed class MetadataSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private const string Description = "A test of everything a file carries.\n\n0:00 Intro\n0:01 The middle part\n0:02 Outro\n\nThanks for watching!";

    // What ffmpeg's MP4 muxer writes of its own beside our tags.
    private static readonly string[] MuxerTags = ["major_brand", "minor_version", "compatible_brands", "encoder"];

    private string NewVideo(FakeDetails details)
    {
        var id = ("m" + Guid.NewGuid().ToString("N"))[..11];
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        fixture.Origin.Details[id] = details;
        return id;
    }

    private async Task<(ProbeResult Probe, string Channel, string Path)> StoreAndProbeAsync(string id, object request)
    {
        using var http = fixture.CreateClient();
        var (videoStatus, video, _) = await http.GetVideoAsync(id);
        videoStatus.ShouldBe(HttpStatusCode.OK, video.ToString());
        var (status, stored, _) = await http.UploadAsync(request);
        status.ShouldBe(HttpStatusCode.OK, stored.ToString());
        var path = await fixture.S3.DownloadAsync(stored.Text("key"), Directory.CreateTempSubdirectory("ytd-metadata-").FullName);
        return (await Ffprobe.ProbeAsync(path), video.Text("author"), path);
    }

    [Fact]
    public async Task A_stored_mp4_carries_title_channel_date_link_description_cover_art_and_chapters()
    {
        var id = NewVideo(new FakeDetails(Title: "A tidy title", Description: Description, PublishDate: "2015-01-27T21:14:36-08:00"));

        var (probe, channel, path) = await StoreAndProbeAsync(id, new { url = id, quality = "720p" });

        channel.ShouldNotBeNullOrWhiteSpace();
        probe.Tags["title"].ShouldBe("A tidy title");
        probe.Tags["artist"].ShouldBe(channel);
        probe.Tags["date"].ShouldBe("2015-01-27");
        probe.Tags["comment"].ShouldBe($"https://www.youtube.com/watch?v={id}");
        probe.Tags["description"].ShouldBe(Description);
        var cover = probe.Streams.Where(s => s.AttachedPic).ShouldHaveSingleItem();
        cover.CodecName.ShouldBe("mjpeg");
        (cover.Width, cover.Height).ShouldBe((480, 360));
        probe.Chapters.ShouldBe([new ProbedChapter(0, "Intro"), new ProbedChapter(1, "The middle part"), new ProbedChapter(2, "Outro")]);
        // Still the streams as they came, and a merge.
        (probe.Video.Width, probe.Video.Height).ShouldBe((1280, 720));
        (await Ffprobe.MediaHashAsync(path, "a:0")).ShouldBe(await Ffprobe.MediaHashAsync(fixture.Media.AacAudio.Path, "a:0"));
    }

    [Fact]
    public async Task A_hostile_title_stays_one_inert_value_with_no_extra_tag_option_or_chapter()
    {
        const string hostile = "Say \"hi\" & 'bye'\n-metadata artist=Evil\n;FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=9\ntitle=x = y; #z \\ end -y -f null";
        var id = NewVideo(new FakeDetails(Title: hostile, Description: "No chapters here.", PublishDate: "2024-05-06"));

        var (probe, channel, _) = await StoreAndProbeAsync(id, new { url = id, quality = "720p" });

        probe.Tags["title"].ShouldBe(hostile);
        probe.Tags["artist"].ShouldBe(channel);
        probe.Tags.Keys.Except(MuxerTags).ShouldBe(["title", "artist", "date", "comment", "description"], ignoreOrder: true);
        probe.Chapters.ShouldBeEmpty();
        probe.Video.Width.ShouldBe(1280);
    }

    [Fact]
    public async Task An_m4a_carries_the_tags_the_cover_art_and_the_chapters()
    {
        var id = NewVideo(new FakeDetails(Description: Description, PublishDate: "2024-05-06"));

        var (probe, channel, _) = await StoreAndProbeAsync(id, new { url = id, quality = "audio" });

        probe.Tags["artist"].ShouldBe(channel);
        probe.Tags["date"].ShouldBe("2024-05-06");
        probe.Tags["comment"].ShouldBe($"https://www.youtube.com/watch?v={id}");
        probe.Tags["title"].ShouldStartWith($"Test video {id}");
        probe.Streams.ShouldContain(s => s.AttachedPic);
        probe.Chapters.Select(c => c.Start).ShouldBe([0, 1, 2]);
    }

    [Theory]
    [InlineData("mp3")]
    [InlineData("opus")]
    public async Task Mp3_and_opus_carry_title_channel_date_link_and_chapters(string format)
    {
        var id = NewVideo(new FakeDetails(Title: "Sound; only = fine", Description: Description, PublishDate: "2024-05-06"));

        var (probe, channel, _) = await StoreAndProbeAsync(id, new { url = id, quality = "audio", format });

        // Ogg keeps the file's tags in its stream's comment header, and ffprobe shows them on the stream.
        var tags = format == "opus" ? probe.Audio.Tags : probe.Tags;
        tags["title"].ShouldBe("Sound; only = fine");
        tags["artist"].ShouldBe(channel);
        tags["date"].ShouldBe("2024-05-06");
        tags["comment"].ShouldBe($"https://www.youtube.com/watch?v={id}");
        probe.Chapters.Select(c => c.Start).ShouldBe([0, 1, 2]);
        probe.Streams.ShouldHaveSingleItem();
    }
}
