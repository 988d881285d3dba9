using System.Collections.Concurrent;
using Microsoft.Playwright;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

// The page's live progress is observed as a person would see it, frame by frame: on two cores shared with the
// parallel classes the events can arrive too late to ever show a bar part-way, so these run alone, after them.
// One service and one chromium for every class of the collection.
[CollectionDefinition(nameof(BrowserSpecs), DisableParallelization = true)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>;

/// <summary>The page, in Debian's headless chromium, against the real service, the fake origin and the real S3 server.</summary>
[Collection(nameof(BrowserSpecs))]
public sealed class BrowserSpecs(BrowserFixture fixture)
{
    private static readonly TimeSpan UploadTimeout = BrowserFixture.UploadTimeout;

    private FakeOrigin Origin => fixture.Service.Origin;

    private string NewVideo(string prefix) => fixture.NewVideo(prefix);

    private Task<(IPage Page, ConcurrentQueue<string> ApiRequests)> OpenAsync(ViewportSize? viewport = null) =>
        fixture.OpenRecordedAsync(viewport);

    private static Task WaitForCheckerAsync(IPage page) => BrowserFixture.WaitForCheckerAsync(page);

    [Fact]
    public async Task An_invalid_link_shows_the_reason_at_once_and_sends_nothing_to_the_server()
    {
        var (page, apiRequests) = await OpenAsync();
        var originRequests = Origin.Requests.Count;

        await page.Locator("#link").FillAsync("https://vimeo.com/76979871");
        await WaitForCheckerAsync(page);

        var status = page.Locator("#link-status");
        await Assertions.Expect(status).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("invalid"));
        (await status.TextContentAsync()).ShouldNotBeNullOrWhiteSpace();
        (await status.TextContentAsync())!.ShouldContain("YouTube", Case.Insensitive);
        await Assertions.Expect(page.Locator("#details-button")).ToBeDisabledAsync();
        await BrowserFixture.ScreenshotAsync(page, "1-invalid-link");

        // Give a debounced request every chance to happen, then check none did.
        await page.WaitForTimeoutAsync(800);
        apiRequests.Where(r => r.StartsWith("GET /api/video", StringComparison.Ordinal)).ShouldBeEmpty();
        Origin.Requests.Skip(originRequests).Where(r => r.Contains("/player", StringComparison.Ordinal)).ShouldBeEmpty();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_valid_link_shows_the_video_its_thumbnail_and_a_quality_for_each_resolution()
    {
        var video = NewVideo("d");
        var (page, _) = await OpenAsync();

        await page.Locator("#link").FillAsync($"https://youtu.be/{video}?si=shared");

        await Assertions.Expect(page.Locator("#link-status")).ToHaveTextAsync($"Video ID {video}");
        await Assertions.Expect(page.Locator("#details")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#video-title")).ToContainTextAsync($"Test video {video}");
        var radios = page.Locator("input[name=quality]:not([value=audio])");
        await Assertions.Expect(radios).ToHaveCountAsync(4);
        (await radios.EvaluateAllAsync<string[]>("rs => rs.map(r => r.value)")).ShouldBe(["1920x1080", "1280x720", "854x480", "640x360"]);
        // The best MP4 at or below 1080p is chosen for the user.
        await Assertions.Expect(page.Locator("input[name=quality][value='1920x1080']")).ToBeCheckedAsync();
        var hd = await page.Locator("label.quality", new() { Has = page.Locator("input[value='1280x720']") }).TextContentAsync();
        hd.ShouldNotBeNull();
        hd.ShouldContain("720p");
        hd.ShouldContain("30 fps");
        hd.ShouldContain("H.264");
        hd.ShouldContain("merged");
        hd.ShouldContain("KB");

        // The thumbnail comes through our own server, never from a third party.
        var thumbnail = page.Locator("#thumbnail");
        await Assertions.Expect(thumbnail).ToBeVisibleAsync();
        (await thumbnail.EvaluateAsync<int>("img => img.naturalWidth")).ShouldBe(480);
        (await thumbnail.GetAttributeAsync("src")).ShouldStartWith("blob:");
        await BrowserFixture.ScreenshotAsync(page, "2-details");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Choosing_720p_and_uploading_ends_with_the_link_and_the_object_in_the_bucket()
    {
        var video = NewVideo("u");
        var (page, _) = await OpenAsync();
        await page.Locator("#link").FillAsync($"https://www.youtube.com/watch?v={video}");
        await Assertions.Expect(page.Locator("#details")).ToBeVisibleAsync(new() { Timeout = 15_000 });

        await page.Locator("input[name=quality][value='1280x720']").CheckAsync();
        await page.Locator("#upload-button").ClickAsync();
        var row = page.Locator(".job", new() { HasText = video });
        await BrowserFixture.ScreenshotAsync(page, "3-uploading");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-phase", "done", new() { Timeout = (float)UploadTimeout.TotalMilliseconds });
        await BrowserFixture.ScreenshotAsync(page, "4-uploaded");

        var downloadLink = await row.Locator("a.download-link").GetAttributeAsync("href");
        downloadLink.ShouldNotBeNull();
        var stored = (await fixture.Service.S3.ListObjectsAsync()).Where(o => o.Key.Contains(video, StringComparison.Ordinal)).ShouldHaveSingleItem();
        Uri.UnescapeDataString(downloadLink).ShouldContain(stored.Key);

        // The presigned link the page shows fetches the very object, and it is the 720p H.264 + AAC merge.
        var folder = Directory.CreateTempSubdirectory("ytd-browser-").FullName;
        try
        {
            var path = await fixture.Service.S3.DownloadAsync(stored.Key, folder);
            var probe = await Ffprobe.ProbeAsync(path);
            probe.Video.Width.ShouldBe(1280);
            probe.Audio.CodecName.ShouldBe("aac");
            using var http = new HttpClient();
            (await http.GetByteArrayAsync(downloadLink)).Length.ShouldBe((int)new FileInfo(path).Length);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Two_uploads_started_one_after_the_other_run_at_once_and_both_finish()
    {
        var (first, second) = (NewVideo("a"), NewVideo("b"));
        var (page, _) = await OpenAsync();

        foreach (var video in new[] { first, second })
        {
            await page.Locator("#link").FillAsync($"https://youtu.be/{video}");
            await Assertions.Expect(page.Locator("#video-title")).ToContainTextAsync(video, new() { Timeout = 15_000 });
            await page.Locator("#upload-button").ClickAsync();
            await Assertions.Expect(page.Locator(".job", new() { HasText = video })).ToHaveCountAsync(1);
        }
        await BrowserFixture.ScreenshotAsync(page, "5-two-uploads");

        foreach (var video in new[] { first, second })
        {
            await Assertions.Expect(page.Locator(".job", new() { HasText = video }))
                .ToHaveAttributeAsync("data-phase", "done", new() { Timeout = (float)UploadTimeout.TotalMilliseconds });
        }
        var keys = (await fixture.Service.S3.ListObjectsAsync()).Select(o => o.Key).ToList();
        keys.ShouldContain(k => k.Contains(first, StringComparison.Ordinal));
        keys.ShouldContain(k => k.Contains(second, StringComparison.Ordinal));
        await BrowserFixture.ScreenshotAsync(page, "6-two-uploads-done");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_jobs_progress_bar_moves_live_and_ends_with_the_link_which_a_reload_still_shows()
    {
        var video = NewVideo("p");
        var (page, _) = await OpenAsync();
        await page.Locator("#link").FillAsync(video);
        await Assertions.Expect(page.Locator("#details")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        // Slow enough that the bar sits part-way for seconds, even when a loaded machine delays the events.
        Origin.BytesPerSecondPerConnection = 10_000;
        try
        {
            await page.Locator("input[name=quality][value='1920x1080']").CheckAsync();
            await page.Locator("#upload-button").ClickAsync();
            var row = page.Locator(".job", new() { HasText = video });

            // Part-way: the download bar has a value between its ends, from the event stream.
            await page.WaitForFunctionAsync(
                "id => [...document.querySelectorAll('.job')].some(r => r.textContent.includes(id) && (b => b.value > 0 && b.value < b.max)(r.querySelector('progress.download')))",
                video, new() { Timeout = 30_000 });
            (await row.Locator(".phase").TextContentAsync() ?? "").ShouldMatch(@"(Downloading|merging|Uploading).*of");
            await BrowserFixture.ScreenshotAsync(page, "9-progress");
        }
        finally
        {
            Origin.BytesPerSecondPerConnection = null;
        }
        var done = page.Locator(".job", new() { HasText = video });
        await Assertions.Expect(done).ToHaveAttributeAsync("data-phase", "done", new() { Timeout = (float)UploadTimeout.TotalMilliseconds });
        await Assertions.Expect(done.Locator("a.download-link")).ToBeVisibleAsync();
        await Assertions.Expect(done.Locator(".bars")).ToBeHiddenAsync();
        await Assertions.Expect(done.Locator("button.cancel")).ToBeHiddenAsync();

        await page.ReloadAsync();
        var again = page.Locator(".job", new() { HasText = video });
        await Assertions.Expect(again).ToHaveAttributeAsync("data-phase", "done");
        await Assertions.Expect(again.Locator("a.download-link")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Cancelling_from_the_page_stops_the_job_and_leaves_nothing_in_the_bucket()
    {
        var video = NewVideo("x");
        var (page, _) = await OpenAsync();
        await page.Locator("#link").FillAsync(video);
        await Assertions.Expect(page.Locator("#details")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        Origin.BytesPerSecondPerConnection = 10_000;
        try
        {
            await page.Locator("#upload-button").ClickAsync();
            var row = page.Locator(".job", new() { HasText = video });
            await page.WaitForFunctionAsync(
                "id => [...document.querySelectorAll('.job')].some(r => r.textContent.includes(id) && r.querySelector('progress.download').value > 0)",
                video, new() { Timeout = 30_000 });

            await row.Locator("button.cancel").ClickAsync();

            await Assertions.Expect(row).ToHaveAttributeAsync("data-phase", "cancelled", new() { Timeout = 20_000 });
            await Assertions.Expect(row.Locator("button.cancel")).ToBeHiddenAsync();
            await BrowserFixture.ScreenshotAsync(page, "10-cancelled");
        }
        finally
        {
            Origin.BytesPerSecondPerConnection = null;
        }
        (await fixture.Service.S3.ListObjectsAsync()).ShouldNotContain(o => o.Key.Contains(video, StringComparison.Ordinal));
        (await fixture.Service.S3.ListOpenUploadsAsync()).ShouldNotContain(u => u.Key.Contains(video, StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_module_reads_playlist_and_channel_links_as_the_library_does()
    {
        var (page, _) = await OpenAsync();
        await page.Locator("#link").FillAsync("dQw4w9WgXcQ");
        await WaitForCheckerAsync(page);
        string[] links =
        [
            "https://www.youtube.com/playlist?list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr",
            "https://music.youtube.com/playlist?list=OLAK5uy_kQYz7DvS4n0qUJb8ARH3dDKWsFyXbfeO0",
            "https://youtu.be/kPa7bsKwL-c?list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr",
            "https://www.youtube.com/watch?v=FAqYW76GLPA&list=RDFAqYW76GLPA",
            "https://www.youtube.com/embed/videoseries?list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr",
            "https://www.youtube.com/@creativecommons/videos",
            "https://www.youtube.com/channel/UCTwECeGqMZee77BjdoYtI2Q",
            "https://www.youtube.com/c/CreativeCommons",
            "https://www.youtube.com/user/creativecommons",
            "https://www.youtube.com/@creativecommons/shorts",
            "https://youtube.com.evil.example/playlist?list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr",
        ];

        // The page's own module instance, asked directly: the same answers the C# library gives.
        var verdicts = await page.EvaluateAsync<string[]>("""
            async (links) => {
              const { checkLink } = await import('./url-check.js');
              return links.map((l) => JSON.stringify(checkLink(l)));
            }
            """, links);

        var expected = links.Select(l => YtDownloader.Urls.YoutubeLink.Inspect(l)).Select(i => i.Error is { } reason
            ? System.Text.Json.JsonSerializer.Serialize(new { reason })
            : System.Text.Json.JsonSerializer.Serialize(new
            {
                id = i.Video?.Value,
                list = i.List is { } list ? new { kind = list.Kind.ToString(), id = list.Id, unlistable = list.Unlistable } : null,
            }, new System.Text.Json.JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }));
        verdicts.Select(v => System.Text.Json.Nodes.JsonNode.Parse(v)!.ToJsonString()).ShouldBe(
            expected.Select(e => System.Text.Json.Nodes.JsonNode.Parse(e)!.ToJsonString()));
        verdicts[3].ShouldContain("Mix");
        verdicts[9].ShouldContain("Only a channel");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_playlist_link_lists_its_videos_with_checkboxes_and_starts_a_batch_that_finishes()
    {
        var videos = Enumerable.Range(0, 4).Select(i => NewVideo($"p{i}")).ToList();
        var playlistId = ("PL" + Guid.NewGuid().ToString("N"))[..34].PadRight(34, 'x');
        Origin.Playlists[playlistId] = videos;
        var (page, apiRequests) = await OpenAsync();

        await page.Locator("#link").FillAsync($"https://www.youtube.com/playlist?list={playlistId}");

        await Assertions.Expect(page.Locator("#playlist")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#playlist-title")).ToHaveTextAsync($"Test playlist {playlistId}");
        var boxes = page.Locator("#playlist-videos input[type=checkbox]");
        await Assertions.Expect(boxes).ToHaveCountAsync(4);
        (await boxes.EvaluateAllAsync<bool[]>("bs => bs.map(b => b.checked)")).ShouldAllBe(c => c);
        (await boxes.EvaluateAllAsync<string[]>("bs => bs.map(b => b.value)")).ShouldBe(videos);
        await Assertions.Expect(page.Locator("#batch-button")).ToHaveTextAsync("Store all 4 videos");
        // Each video's thumbnail, through this server.
        var thumbnail = page.Locator("#playlist-videos img.thumb").First;
        await Assertions.Expect(thumbnail).ToBeVisibleAsync(new() { Timeout = 15_000 });
        (await thumbnail.EvaluateAsync<int>("img => img.naturalWidth")).ShouldBeGreaterThan(0);
        (await thumbnail.GetAttributeAsync("src")).ShouldStartWith("blob:");
        await boxes.Nth(2).UncheckAsync();
        await Assertions.Expect(page.Locator("#batch-button")).ToHaveTextAsync("Store 3 of 4 videos");
        await BrowserFixture.ScreenshotAsync(page, "9-playlist");

        await page.Locator("#batch-button").ClickAsync();

        await Assertions.Expect(page.Locator("#batch-status")).ToContainTextAsync("3 of 3 finished", new() { Timeout = (float)UploadTimeout.TotalMilliseconds * 2 });
        foreach (var video in videos.Where((_, i) => i != 2))
            await Assertions.Expect(page.Locator(".job", new() { HasText = video })).ToHaveAttributeAsync("data-phase", "done");
        await Assertions.Expect(page.Locator(".job", new() { HasText = videos[2] })).ToHaveCountAsync(0);
        // Progress for the batch as a whole and for each video, in the playlist's own list.
        await Assertions.Expect(page.Locator("#batch-progress")).ToHaveJSPropertyAsync("value", 3);
        await Assertions.Expect(page.Locator("#batch-progress")).ToHaveJSPropertyAsync("max", 3);
        foreach (var video in videos.Where((_, i) => i != 2))
            await Assertions.Expect(page.Locator($"#playlist-videos li[data-video-id='{video}'] .video-phase")).ToHaveTextAsync("done");
        await Assertions.Expect(page.Locator($"#playlist-videos li[data-video-id='{videos[2]}'] .video-progress")).ToBeHiddenAsync();
        var objects = await fixture.Service.S3.ListObjectsAsync();
        foreach (var video in videos.Where((_, i) => i != 2))
            objects.ShouldContain(o => o.Key.StartsWith($"youtube/{video}/", StringComparison.Ordinal) && o.Key.EndsWith("_1280x720.mp4", StringComparison.Ordinal));
        apiRequests.Count(r => r.StartsWith("POST /api/jobs", StringComparison.Ordinal)).ShouldBe(1);
        await BrowserFixture.ScreenshotAsync(page, "10-batch-done");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_link_with_a_video_and_a_playlist_asks_which_is_meant()
    {
        var video = NewVideo("b");
        var playlistId = ("PL" + Guid.NewGuid().ToString("N"))[..34].PadRight(34, 'x');
        Origin.Playlists[playlistId] = [video];
        var (page, _) = await OpenAsync();

        await page.Locator("#link").FillAsync($"https://www.youtube.com/watch?v={video}&list={playlistId}&index=1");

        await Assertions.Expect(page.Locator("#link-choice")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#details")).ToBeHiddenAsync();
        await page.Locator("#choose-list").ClickAsync();
        await Assertions.Expect(page.Locator("#playlist")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await page.Locator("#link").FillAsync($"https://youtu.be/{video}?list={playlistId}");
        await page.Locator("#choose-video").ClickAsync();
        await Assertions.Expect(page.Locator("#details")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#playlist")).ToBeHiddenAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Audio_only_as_mp3_can_be_chosen_and_comes_out_an_mp3_without_video()
    {
        var video = NewVideo("m");
        var (page, _) = await OpenAsync();
        await page.Locator("#link").FillAsync($"https://www.youtube.com/watch?v={video}");
        await Assertions.Expect(page.Locator("#details")).ToBeVisibleAsync(new() { Timeout = 15_000 });

        await Assertions.Expect(page.Locator("#qualities label.quality", new() { HasText = "Audio only (M4A)" })).ToBeVisibleAsync();
        await page.Locator("#qualities label.quality", new() { HasText = "Audio only (MP3)" }).ClickAsync();
        await page.Locator("#upload-button").ClickAsync();

        var row = page.Locator(".job", new() { HasText = video });
        await Assertions.Expect(row).ToHaveAttributeAsync("data-phase", "done", new() { Timeout = (float)UploadTimeout.TotalMilliseconds });
        await Assertions.Expect(row.Locator(".title")).ToContainTextAsync("audio only (MP3)");
        var stored = (await fixture.Service.S3.ListObjectsAsync()).Where(o => o.Key.Contains(video, StringComparison.Ordinal)).ShouldHaveSingleItem();
        stored.Key.ShouldEndWith("_audio.mp3");
        var folder = Directory.CreateTempSubdirectory("ytd-browser-mp3-").FullName;
        var probe = await Ffprobe.ProbeAsync(await fixture.Service.S3.DownloadAsync(stored.Key, folder));
        probe.Streams.ShouldHaveSingleItem().CodecName.ShouldBe("mp3");
        await BrowserFixture.ScreenshotAsync(page, "11-audio");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Without_the_module_the_page_says_so_quietly_and_the_server_checks_links()
    {
        var page = await fixture.OpenPageAsync();
        await page.RouteAsync("**/pkg/**", route => route.AbortAsync());
        await page.GotoAsync("/");

        await Assertions.Expect(page.Locator("#checker-status")).ToContainTextAsync("server checks links");
        await page.Locator("#link").FillAsync("https://www.youtube.com/playlist?list=PL590L5WQmH8fJ54F369BLDSqIwcs-TCfs");
        await Assertions.Expect(page.Locator("#details-button")).ToBeEnabledAsync();
        await page.Locator("#details-button").ClickAsync();

        var error = page.Locator("#details-error");
        await Assertions.Expect(error).ToBeVisibleAsync();
        (await error.TextContentAsync() ?? "").ShouldContain("Not a YouTube video link");

        var video = NewVideo("s");
        await page.Locator("#link").FillAsync(video);
        await page.Locator("#link").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#video-title")).ToContainTextAsync(video, new() { Timeout = 15_000 });
        await BrowserFixture.ScreenshotAsync(page, "7-without-module");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_keyboard_alone_reaches_every_control_and_the_page_fits_a_phone()
    {
        var video = NewVideo("k");
        var (page, _) = await OpenAsync(new ViewportSize { Width = 390, Height = 844 });

        await page.Keyboard.PressAsync("Tab");
        (await page.EvaluateAsync<string>("document.activeElement.id")).ShouldBe("link");
        await page.Keyboard.TypeAsync(video);
        await WaitForCheckerAsync(page);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#details")).ToBeVisibleAsync(new() { Timeout = 15_000 });

        // Tab leaves the link form and lands on the chosen quality; arrows move the choice; Tab goes through the
        // subtitle tracks the video has, one by one, and reaches the button.
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        (await page.EvaluateAsync<string>("document.activeElement.name")).ShouldBe("quality");
        await page.Keyboard.PressAsync("ArrowDown");
        (await page.EvaluateAsync<string>("document.activeElement.value")).ShouldBe("1280x720");
        var tracks = await page.Locator("#subtitle-tracks input[type=checkbox]").CountAsync();
        for (var track = 0; track < tracks; track++)
        {
            await page.Keyboard.PressAsync("Tab");
            (await page.EvaluateAsync<string>("document.activeElement.id")).ShouldStartWith("subtitle-");
        }
        await page.Keyboard.PressAsync("Tab");
        (await page.EvaluateAsync<string>("document.activeElement.id")).ShouldBe("upload-button");
        (await page.EvaluateAsync<string>("getComputedStyle(document.activeElement).outlineStyle")).ShouldNotBe("none");

        (await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth")).ShouldBeTrue();
        (await page.TitleAsync()).ShouldBe("YtDownloader");
        (await page.Locator("link[rel=icon]").GetAttributeAsync("href")).ShouldNotBeNull();
        await BrowserFixture.ScreenshotAsync(page, "8-phone");
        await page.Context.CloseAsync();
    }

    // Both files the service merges itself, without ffmpeg: 720p is an H.264 and an AAC stream in YouTube's DASH
    // shape, 480p a VP9 stream in WebM with the same AAC.
    [Theory]
    [InlineData("720p", 1280, 720)]
    [InlineData("480p", 854, 480)]
    public async Task A_stored_merged_mp4_plays_in_a_video_element_with_its_duration_and_picture_size(string quality, int width, int height)
    {
        var video = NewVideo("p");
        using var http = fixture.Service.CreateClient();
        var (status, body, _) = await http.UploadAsync(new { url = video, quality });
        status.ShouldBe(System.Net.HttpStatusCode.OK, body.ToString());
        // On a blank page: the service's own page allows media from itself alone, and a stored file is the store's.
        var page = await fixture.OpenPageAsync();

        var played = await page.EvaluateAsync<double[]>(
            """
            async url => {
              const video = document.createElement('video');
              video.muted = true;
              document.body.append(video);
              const failed = new Promise((_, reject) => video.onerror = () => reject(new Error('cannot play: ' + video.error?.message)));
              video.src = url;
              await Promise.race([new Promise(resolve => video.onloadedmetadata = resolve), failed]);
              await Promise.race([video.play(), failed]);
              await Promise.race([new Promise(resolve => video.ontimeupdate = () => video.currentTime > 1 && resolve()), failed]);
              return [video.duration, video.videoWidth, video.videoHeight, video.currentTime];
            }
            """, body.Text("openUrl"));

        played[0].ShouldBe(TestMedia.DurationSeconds, tolerance: 0.1);
        (played[1], played[2]).ShouldBe((width, height));
        played[3].ShouldBeGreaterThan(1);
        await page.Context.CloseAsync();
    }
}
