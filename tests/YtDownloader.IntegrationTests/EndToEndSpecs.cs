using System.Net;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

public sealed class EndToEndSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private const string Video = FakeOrigin.PlayableVideo;

    private HttpClient CreateClient()
    {
        fixture.Origin.Youtube[Video] = YoutubeBehaviour.Playable;
        return fixture.CreateClient();
    }

    [Fact]
    public async Task I_can_list_the_qualities_of_a_video_one_per_resolution()
    {
        using var http = CreateClient();

        var (status, body, _) = await http.GetVideoAsync($"https://www.youtube.com/watch?v={Video}&t=42s");

        status.ShouldBe(HttpStatusCode.OK);
        body.Text("videoId").ShouldBe(Video);
        body.Text("title").ShouldStartWith($"Test video {Video}");
        body.GetProperty("duration").GetDouble().ShouldBe(TestMedia.DurationSeconds);
        // i.ytimg.com, as recorded, on the configured origin; and the same image through this service.
        body.Text("thumbnail").ShouldStartWith($"{fixture.Origin.BaseUrl}vi/");
        body.Text("thumbnailProxy").ShouldBe($"/api/video/{Video}/thumbnail");
        var formats = body.GetProperty("formats").EnumerateArray().ToList();
        formats.Select(f => f.Text("quality")).ShouldBe(["1920x1080", "1280x720", "854x480", "640x360"]);

        var hd = formats[1];
        hd.GetProperty("itag").GetInt32().ShouldBe(136);
        hd.Text("ext").ShouldBe("mp4");
        hd.Text("vcodec").ShouldStartWith("avc1");
        hd.GetProperty("hasAudio").GetBoolean().ShouldBeFalse();
        hd.GetProperty("needsMerge").GetBoolean().ShouldBeTrue();
        hd.GetProperty("filesize").GetInt64().ShouldBe(fixture.Media.Video720.Length + fixture.Media.AacAudio.Length);
        hd.GetProperty("fps").GetInt32().ShouldBe(30);

        var muxed = formats[3];
        muxed.GetProperty("itag").GetInt32().ShouldBe(18);
        muxed.GetProperty("hasAudio").GetBoolean().ShouldBeTrue();
        muxed.GetProperty("needsMerge").GetBoolean().ShouldBeFalse();
        muxed.Text("acodec").ShouldStartWith("mp4a");
    }

    [Fact]
    public async Task I_get_the_thumbnail_through_the_service_and_nothing_for_a_link_that_is_not_a_video()
    {
        using var http = CreateClient();

        using var image = await http.GetAsync($"/api/video/{Video}/thumbnail");
        image.StatusCode.ShouldBe(HttpStatusCode.OK);
        image.Content.Headers.ContentType!.MediaType.ShouldBe("image/jpeg");
        (await image.Content.ReadAsByteArrayAsync()).ShouldBe(await File.ReadAllBytesAsync(fixture.Media.Thumbnail));

        using var invalid = await http.GetAsync("/api/video/not-an-id/thumbnail");
        invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task I_can_list_every_format_when_I_ask_for_all()
    {
        using var http = CreateClient();

        var (status, body, _) = await http.GetVideoAsync($"youtu.be/{Video}", all: true);

        status.ShouldBe(HttpStatusCode.OK);
        body.GetProperty("formats").EnumerateArray().Select(f => f.GetProperty("itag").GetInt32())
            .ShouldBe([137, 136, 244, 18], ignoreOrder: true);
    }

    [Fact]
    public async Task I_can_upload_720p_into_S3_and_get_an_H264_and_AAC_MP4_of_the_right_duration()
    {
        using var http = CreateClient();

        var (status, body, _) = await http.UploadAsync(new { url = $"https://youtu.be/{Video}", quality = "1280x720" });

        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        body.GetProperty("success").GetBoolean().ShouldBeTrue();
        var key = body.Text("key");
        key.ShouldStartWith($"youtube/{Video}/");
        key.ShouldEndWith("_1280x720.mp4");
        key.ShouldNotContain("..");
        body.Text("bucket").ShouldBe(fixture.S3.Bucket);
        body.Text("filename").ShouldBe(Path.GetFileName(key));
        body.Text("s3_url").ShouldBe($"{fixture.S3.ServiceUrl.TrimEnd('/')}/{fixture.S3.Bucket}/{string.Join('/', key.Split('/').Select(Uri.EscapeDataString))}");
        body.Text("contentType").ShouldBe("video/mp4");
        body.Text("quality").ShouldBe("1280x720");
        body.GetProperty("merged").GetBoolean().ShouldBeTrue();

        var folder = Directory.CreateTempSubdirectory("ytd-e2e-").FullName;
        var path = await fixture.S3.DownloadAsync(key, folder);
        new FileInfo(path).Length.ShouldBe(body.GetProperty("size").GetInt64());
        var probe = await Ffprobe.ProbeAsync(path);
        probe.FormatName.ShouldContain("mp4");
        probe.Video.CodecName.ShouldBe("h264");
        (probe.Video.Width, probe.Video.Height).ShouldBe((1280, 720));
        probe.Audio.CodecName.ShouldBe("aac");
        probe.Duration.ShouldBe(TestMedia.DurationSeconds, tolerance: 0.2);

        var head = await fixture.S3.Client.GetObjectMetadataAsync(fixture.S3.Bucket, key);
        head.Headers.ContentType.ShouldBe("video/mp4");
        head.Headers.ContentDisposition.ShouldContain("filename*=UTF-8''");
        Uri.UnescapeDataString(head.Metadata["x-amz-meta-title"]).ShouldStartWith($"Test video {Video}: a/b");

        // The presigned link works for someone without credentials.
        using var anonymous = new HttpClient();
        var presigned = await anonymous.GetByteArrayAsync(body.Text("downloadUrl"));
        presigned.Length.ShouldBe((int)new FileInfo(path).Length);
        (await fixture.S3.ListOpenUploadsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task I_get_the_muxed_360p_streams_packet_for_packet_without_any_merge()
    {
        using var http = CreateClient();

        var (status, body, _) = await http.UploadAsync(new { url = Video, quality = "360p", title = "My own title" });

        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        body.GetProperty("merged").GetBoolean().ShouldBeFalse();
        body.Text("key").ShouldBe($"youtube/{Video}/My-own-title_640x360.mp4");
        var path = await fixture.S3.DownloadAsync(body.Text("key"), Directory.CreateTempSubdirectory("ytd-e2e-").FullName);
        (await Ffprobe.MediaHashAsync(path)).ShouldBe(await Ffprobe.MediaHashAsync(fixture.Media.Muxed360.Path));
    }

    [Fact]
    public async Task I_am_told_when_a_quality_exists_only_as_VP9()
    {
        using var http = CreateClient();

        var (status, body, _) = await http.UploadAsync(new { url = Video, quality = "854x480" });

        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        body.Text("note").ShouldContain("VP9");
        var probe = await Ffprobe.ProbeAsync(await fixture.S3.DownloadAsync(body.Text("key"), Directory.CreateTempSubdirectory("ytd-e2e-").FullName));
        probe.Video.CodecName.ShouldBe("vp9");
        probe.Audio.CodecName.ShouldBe("aac");
    }
}
