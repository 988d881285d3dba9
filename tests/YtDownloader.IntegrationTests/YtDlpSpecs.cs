using System.Diagnostics;
using System.Net;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>The service with yt-dlp configured (the real one, on recorded info) and a cookies file.</summary>
public sealed class YtDlpFixture : ServiceFixture
{
    public const string Cookies = "# Netscape HTTP Cookie File\n.youtube.com\tTRUE\t/\tTRUE\t1999999999\tSID\tcookie-value-for-tests\n";

    public YtDlpStandIn YtDlp { get; } = new();

    public string CookiesFile { get; } = Path.Combine(Directory.CreateTempSubdirectory("ytd-cookies-").FullName, "cookies.txt");

    protected override void Configure(Dictionary<string, string?> settings)
    {
        File.WriteAllText(CookiesFile, Cookies);
        settings["Sources:YtDlp:Path"] = YtDlp.WrapperPath;
        settings["Youtube:CookiesFile"] = CookiesFile;
    }
}

public sealed class YtDlpSpecs(YtDlpFixture fixture) : IClassFixture<YtDlpFixture>
{
    [Fact]
    public async Task A_video_our_own_client_cannot_get_is_resolved_by_yt_dlp_and_stored_as_H264_and_AAC()
    {
        const string id = "ytdlpplays1";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.BotCheck;
        fixture.YtDlp.Serve(id, fixture.Origin, fixture.Media);
        using var http = fixture.CreateClient();

        var (status, body, _) = await http.GetVideoAsync(id, all: true);

        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        body.Text("source").ShouldBe("yt-dlp");
        body.Text("title").ShouldBe($"yt-dlp's {id}");
        body.Text("author").ShouldBe("The yt-dlp channel");
        body.Text("thumbnail").ShouldEndWith($"/vi/{id}/hqdefault.jpg");
        // Every plain HTTPS format, and not the HLS one (itag 96), which has no file to fetch in ranges.
        body.GetProperty("formats").EnumerateArray().Select(f => f.GetProperty("itag").GetInt32())
            .ShouldBe([137, 136, 244, 18], ignoreOrder: true);

        var upload = await http.UploadAsync(new { url = id, quality = "720p" });

        upload.Status.ShouldBe(HttpStatusCode.OK, upload.Body.ToString());
        var probe = await Ffprobe.ProbeAsync(await fixture.S3.DownloadAsync(upload.Body.Text("key"), Directory.CreateTempSubdirectory("ytd-ytdlp-").FullName));
        probe.Video.CodecName.ShouldBe("h264");
        (probe.Video.Width, probe.Video.Height).ShouldBe((1280, 720));
        probe.Audio.CodecName.ShouldBe("aac");
        probe.Duration.ShouldBe(TestMedia.DurationSeconds, tolerance: 0.2);
    }

    [Fact]
    public async Task Each_formats_http_headers_from_yt_dlp_go_with_every_request_for_its_media()
    {
        const string id = "ytdlpheads1";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.BotCheck;
        fixture.YtDlp.Serve(id, fixture.Origin, fixture.Media);
        using var http = fixture.CreateClient();

        var (status, body, _) = await http.UploadAsync(new { url = id, quality = "360p" });

        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        var requests = fixture.Origin.RequestHeaders.Where(r => r.Request.StartsWith("GET /media/muxed360.mp4?source=yt-dlp", StringComparison.Ordinal)).ToList();
        requests.ShouldNotBeEmpty();
        foreach (var (_, headers) in requests)
        {
            headers[YtDlpStandIn.FormatHeader].ShouldBe("itag-18");
            // The info gives only the format's own header: these are yt-dlp's standard headers, which yt-dlp
            // itself adds to every format, so they show that the real yt-dlp processed the info.
            headers["Sec-Fetch-Mode"].ShouldBe("navigate");
            headers["User-Agent"].ShouldStartWith("Mozilla/5.0");
            headers.ShouldContainKey("Range");
        }
        var path = await fixture.S3.DownloadAsync(body.Text("key"), Directory.CreateTempSubdirectory("ytd-ytdlp-").FullName);
        (await Ffprobe.MediaHashAsync(path)).ShouldBe(await Ffprobe.MediaHashAsync(fixture.Media.Muxed360.Path));
    }

    [Fact]
    public async Task yt_dlp_gets_a_private_copy_of_the_cookies_file_and_the_operators_file_stays_as_it_was()
    {
        const string id = "ytdlpcooks1";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.BotCheck;
        fixture.YtDlp.Serve(id, fixture.Origin, fixture.Media);
        using var http = fixture.CreateClient();

        var (status, body, _) = await http.GetVideoAsync(id);

        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        var arguments = fixture.YtDlp.ArgumentsFor(id);
        arguments.ShouldContain("-J");
        arguments.ShouldContain("--no-playlist");
        arguments.ShouldContain("--no-warnings");
        arguments[^1].ShouldBe($"https://www.youtube.com/watch?v={id}");
        var copy = arguments[Array.IndexOf(arguments, "--cookies") + 1];
        copy.ShouldNotBe(fixture.CookiesFile);
        // yt-dlp writes its cookie jar back to the file it was given: the copy, gone after the run.
        File.Exists(copy).ShouldBeFalse();
        (await File.ReadAllTextAsync(fixture.CookiesFile)).ShouldBe(YtDlpFixture.Cookies);
        body.ToString().ShouldNotContain("cookie-value-for-tests");
    }

    [Fact]
    public async Task A_yt_dlp_that_fails_gives_its_own_words_and_the_next_source_is_tried()
    {
        const string failing = "ytdlpfails1", failingWithBackup = "ytdlpfails2";
        foreach (var id in (string[])[failing, failingWithBackup])
        {
            fixture.Origin.Youtube[id] = YoutubeBehaviour.BotCheck;
            fixture.YtDlp.ServeNoFormats(id, fixture.Origin);
        }
        fixture.Origin.Invidious[failingWithBackup] = true;
        using var http = fixture.CreateClient();

        var alone = await http.GetVideoAsync(failing);
        var backedUp = await http.GetVideoAsync(failingWithBackup);

        alone.ContentType.ShouldBe("application/problem+json");
        alone.Body.Text("detail").ShouldContain("yt-dlp: yt-dlp could not get the video (exit code 1)");
        alone.Body.Text("detail").ShouldContain("No video formats found");
        alone.Body.Text("detail").ShouldContain("Invidious");
        backedUp.Status.ShouldBe(HttpStatusCode.OK, backedUp.Body.ToString());
        backedUp.Body.Text("source").ShouldStartWith("Invidious");
        using var sources = await http.GetAsync("/api/sources");
        var ytDlp = (await ApiClient.ReadJsonAsync(sources)).GetProperty("sources").EnumerateArray().Single(s => s.Text("name") == "yt-dlp");
        ytDlp.Text("outcome").ShouldBe("failed");
        ytDlp.Text("reason").ShouldContain("No video formats found");
    }

    [Fact]
    public async Task A_yt_dlp_that_hangs_is_stopped_at_its_timeout_and_the_next_source_is_tried_even_when_yt_dlp_comes_first()
    {
        const string id = "ytdlphangs1";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.BotCheck;
        await fixture.YtDlp.HangOnAsync(id);
        var settings = ServiceFactory.S3Settings(fixture.Origin, fixture.S3);
        settings["Sources:YtDlp:Path"] = fixture.YtDlp.WrapperPath;
        settings["Sources:YtDlp:Timeout"] = "00:00:02";
        settings["Sources:YtDlp:Order"] = "First";
        await using var service = ServiceFactory.Start(settings);
        using var http = service.CreateClient();

        var started = Stopwatch.StartNew();
        var alone = await http.GetVideoAsync(id);

        alone.Body.Text("detail").ShouldContain("yt-dlp: yt-dlp did not answer within 2 s and was stopped");
        started.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2));
        // Stopped by the timeout, while the service goes on running.
        ShouldBeGone(fixture.YtDlp.ProcessIdFor(id));
        using var sources = await http.GetAsync("/api/sources");
        (await ApiClient.ReadJsonAsync(sources)).GetProperty("sources").EnumerateArray().Select(s => s.Text("name"))
            .ShouldBe(["yt-dlp", "YouTube", $"Invidious ({fixture.Origin.BaseUrl.GetLeftPart(UriPartial.Authority)})"]);

        const string backedUp = "ytdlphangs2";
        fixture.Origin.Youtube[backedUp] = YoutubeBehaviour.BotCheck;
        fixture.Origin.Invidious[backedUp] = true;
        await fixture.YtDlp.HangOnAsync(backedUp);

        var served = await http.GetVideoAsync(backedUp);

        served.Status.ShouldBe(HttpStatusCode.OK, served.Body.ToString());
        served.Body.Text("source").ShouldStartWith("Invidious");
        ShouldBeGone(fixture.YtDlp.ProcessIdFor(backedUp));
    }

    [Fact]
    public async Task A_yt_dlp_path_that_does_not_exist_stops_the_start_with_its_reason()
    {
        var (exitCode, message) = await ServerProcess.RunUntilExitAsync(new Dictionary<string, string?>
        {
            ["Youtube:Origin"] = "http://127.0.0.1:9/",
            ["Sources:YtDlp:Path"] = "/nowhere/yt-dlp",
        }, []);

        exitCode.ShouldNotBe(0);
        message.ShouldContain("Sources:YtDlp:Path is \u201c/nowhere/yt-dlp\u201d, but no such file exists");
    }

    private static void ShouldBeGone(int processId)
    {
        // A killed child is reaped by the runtime at once; its id is then free.
        Directory.Exists($"/proc/{processId}").ShouldBeFalse($"yt-dlp (process {processId}) is still running");
    }
}
