using System.Net;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>With no bucket configured, the same API stores into a local folder and serves the files back.</summary>
public sealed class LocalStoreSpecs(LocalStoreSpecs.LocalFixture fixture) : IClassFixture<LocalStoreSpecs.LocalFixture>
{
    public sealed class LocalFixture : IAsyncLifetime
    {
        public TestMedia Media { get; } = new();
        public FakeOrigin Origin { get; private set; } = null!;
        public string Folder { get; } = Directory.CreateTempSubdirectory("ytd-local-").FullName;
        public ServiceFactory Service { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            await Media.InitializeAsync();
            Origin = new FakeOrigin(Media);
            await Origin.InitializeAsync();
            Origin.Youtube[FakeOrigin.PlayableVideo] = YoutubeBehaviour.Playable;
            Service = ServiceFactory.Start(new Dictionary<string, string?>
            {
                ["Youtube:Origin"] = Origin.BaseUrl.ToString(),
                ["Storage:Local:Path"] = Folder,
            });
        }

        public async ValueTask DisposeAsync()
        {
            await Service.DisposeAsync();
            await Origin.DisposeAsync();
            await Media.DisposeAsync();
            Directory.Delete(Folder, recursive: true);
        }
    }

    [Fact]
    public async Task I_can_upload_720p_to_the_local_folder_and_download_it_back_from_the_service()
    {
        using var http = fixture.Service.CreateClient();

        var (status, body, _) = await http.UploadAsync(new { url = $"https://youtu.be/{FakeOrigin.PlayableVideo}", quality = "720p" });

        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        body.Text("bucket").ShouldBe("local");
        var url = new Uri(body.Text("s3_url"));
        url.AbsolutePath.ShouldStartWith("/files/youtube/");
        using var response = await http.GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("video/mp4");
        response.Content.Headers.ContentDisposition!.FileNameStar.ShouldEndWith("_1280x720.mp4");

        var path = Path.Combine(Directory.CreateTempSubdirectory("ytd-local-dl-").FullName, "video.mp4");
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
        new FileInfo(path).Length.ShouldBe(body.GetProperty("size").GetInt64());
        var probe = await Ffprobe.ProbeAsync(path);
        probe.Video.CodecName.ShouldBe("h264");
        (probe.Video.Width, probe.Video.Height).ShouldBe((1280, 720));
        probe.Audio.CodecName.ShouldBe("aac");
        probe.Duration.ShouldBe(TestMedia.DurationSeconds, tolerance: 0.2);
        Directory.EnumerateFiles(fixture.Folder, "*.partial", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    // Without the signature the store hands out, nothing is served, and the answer does not tell whether the file exists
    // (SignedFilesSpecs tries genuine signatures on keys that are not videos).
    [Theory]
    [InlineData("/files/..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/files/youtube/../../secret")]
    [InlineData("/files/%2E%2E/%2E%2E/etc/passwd")]
    [InlineData("/files/youtube/nothing-here.mp4")]
    public async Task Files_outside_the_store_or_missing_are_refused_without_a_signed_link(string path)
    {
        using var http = fixture.Service.CreateClient();

        using var response = await http.GetAsync(path);

        // A dot segment that climbs above /files/ lands outside the route, where no file is: 404.
        response.StatusCode.ShouldBeOneOf(HttpStatusCode.Forbidden, HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).ShouldNotContain("root:");
    }
}
