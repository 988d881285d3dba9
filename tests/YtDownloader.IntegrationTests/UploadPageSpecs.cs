using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>What the page shows a new user around an upload (issue 15), in Debian's chromium against the real service.</summary>
[Collection(nameof(BrowserSpecs))]
public sealed partial class UploadPageSpecs(BrowserFixture fixture)
{
    private static readonly float UploadTimeout = (float)BrowserFixture.UploadTimeout.TotalMilliseconds;

    private FakeOrigin Origin => fixture.Service.Origin;

    private ILocator Row(IPage page, string video) => page.Locator(".job", new() { HasText = video });

    [Fact]
    public async Task After_Upload_the_new_row_is_scrolled_into_view_focused_and_announced()
    {
        var video = fixture.NewVideo("v");
        var viewport = new ViewportSize { Width = 1280, Height = 700 };
        var (page, _) = await fixture.OpenRecordedAsync(viewport);
        await BrowserFixture.ShowVideoAsync(page, video);
        // Without the scroll the list starts below the fold: otherwise this spec could not fail.
        (await page.Locator("#jobs").BoundingBoxAsync())!.Y.ShouldBeGreaterThan(viewport.Height);

        await page.Locator("#upload-button").ClickAsync();

        var row = Row(page, video);
        await Assertions.Expect(row).ToBeInViewportAsync(new() { Timeout = 15_000 });
        (await page.EvaluateAsync<string>("document.activeElement.closest('.job')?.textContent ?? ''")).ShouldContain(video);
        var announcer = page.Locator("#jobs-announcer");
        (await announcer.GetAttributeAsync("aria-live")).ShouldBe("polite");
        await Assertions.Expect(announcer).ToContainTextAsync($"Started: Test video {video}");
        await BrowserFixture.ScreenshotAsync(page, "15-1-new-row-in-view");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-phase", "done", new() { Timeout = UploadTimeout });
        await Assertions.Expect(announcer).ToContainTextAsync($"Done: Test video {video}");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task While_the_parts_go_up_the_row_shows_the_uploaded_bytes_the_upload_speed_and_the_time_left()
    {
        var video = fixture.NewVideo("w");
        await using var proxy = new FaultyS3Proxy(new Uri(fixture.Service.S3.ServiceUrl));
        await proxy.StartAsync();
        var release = new TaskCompletionSource();
        proxy.HoldWritesUntil(release.Task);
        await using var service = fixture.StartService(new() { ["Storage:S3:ServiceUrl"] = proxy.BaseUrl.ToString().TrimEnd('/') });
        var (page, _) = await fixture.OpenRecordedAsync(serverUrl: service.ServerUrl);
        try
        {
            await BrowserFixture.ShowVideoAsync(page, video);
            await page.Locator("#upload-button").ClickAsync();

            var row = Row(page, video);
            await Assertions.Expect(row).ToHaveAttributeAsync("data-phase", "uploading", new() { Timeout = 30_000 });
            var text = await row.Locator(".phase").TextContentAsync() ?? "";
            await BrowserFixture.ScreenshotAsync(page, "15-2-upload-phase");
            var figures = UploadText().Match(text);
            figures.Success.ShouldBeTrue($"the upload phase reads \"{text}\"");
            text.ShouldNotContain("downloaded");
            // The bar shows what the words say: the uploaded bytes, never more than the whole.
            var bar = await row.Locator("progress.upload").EvaluateAsync<double[]>("b => [b.value, b.max]");
            bar[0].ShouldBeLessThanOrEqualTo(bar[1]);
        }
        finally
        {
            release.TrySetResult();
        }
        await Assertions.Expect(Row(page, video)).ToHaveAttributeAsync("data-phase", "done", new() { Timeout = UploadTimeout });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Qualities_over_the_size_limit_are_shown_disabled_with_the_reason_and_never_preselected()
    {
        var video = fixture.NewVideo("l");
        using var http = fixture.Service.CreateClient();
        var details = JsonDocument.Parse(await http.GetStringAsync($"/api/video?url={video}")).RootElement;
        long SizeOf(string quality) => details.GetProperty("formats").EnumerateArray()
            .Single(f => f.GetProperty("quality").GetString() == quality).GetProperty("filesize").GetInt64();
        // Between the 720p and 1080p merges: 1080p (the usual first choice) is over, 720p and below are not.
        var limit = (SizeOf("1920x1080") + SizeOf("1280x720")) / 2;
        await using var service = fixture.StartService(new() { ["Limits:MaxBytes"] = limit.ToString(CultureInfo.InvariantCulture) });
        var (page, _) = await fixture.OpenRecordedAsync(serverUrl: service.ServerUrl);

        await BrowserFixture.ShowVideoAsync(page, video);

        var over = page.Locator("input[name=quality][value='1920x1080']");
        await Assertions.Expect(over).ToBeDisabledAsync();
        await Assertions.Expect(over).Not.ToBeCheckedAsync();
        var label = page.Locator("label.quality", new() { Has = over });
        (await label.Locator(".reason").TextContentAsync() ?? "").ShouldContain("limit");
        (await label.TextContentAsync() ?? "").ShouldNotContain("Limits");
        await Assertions.Expect(page.Locator("input[name=quality][value='640x360']")).ToBeEnabledAsync();
        await Assertions.Expect(page.Locator("input[name=quality]:checked")).ToBeEnabledAsync();
        await Assertions.Expect(page.Locator("#upload-button")).ToBeEnabledAsync();
        await BrowserFixture.ScreenshotAsync(page, "15-3-over-the-size-limit");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_video_over_the_duration_limit_says_so_with_the_details_and_offers_nothing_to_store()
    {
        var video = fixture.NewVideo("t");
        // A minute's hundredth: shorter than any test video.
        await using var service = fixture.StartService(new() { ["Limits:MaxDurationMinutes"] = "0.01" });
        var (page, _) = await fixture.OpenRecordedAsync(serverUrl: service.ServerUrl);

        await BrowserFixture.ShowVideoAsync(page, video);

        var notice = page.Locator("#video-unavailable");
        await Assertions.Expect(notice).ToBeVisibleAsync();
        (await notice.TextContentAsync() ?? "").ShouldContain("long");
        (await notice.TextContentAsync() ?? "").ShouldNotContain("MaxDuration");
        await Assertions.Expect(page.Locator("input[name=quality]:enabled")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("input[name=quality]:checked")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#upload-button")).ToBeDisabledAsync();
        await BrowserFixture.ScreenshotAsync(page, "15-3-over-the-duration-limit");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_failure_has_a_heading_saying_what_is_wrong_no_green_id_beside_it_and_is_cleared_while_a_new_link_is_typed()
    {
        var video = fixture.NewVideo("e");
        Origin.Youtube[video] = YoutubeBehaviour.Private;
        var (page, _) = await fixture.OpenRecordedAsync();

        await page.Locator("#link").FillAsync($"https://youtu.be/{video}");

        var problem = page.Locator("#details-error");
        // The service asks every client and Invidious before it says no: that takes a while on a loaded machine.
        await Assertions.Expect(problem).ToBeVisibleAsync(new() { Timeout = 60_000 });
        (await problem.Locator(".problem-title").TextContentAsync()).ShouldNotBeNullOrWhiteSpace();
        (await problem.Locator(".problem-detail").TextContentAsync()).ShouldNotBeNullOrWhiteSpace();
        await Assertions.Expect(page.Locator("#link-status.valid")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "15-4-failure");

        await page.Locator("#link").PressSequentiallyAsync("x");

        await Assertions.Expect(problem).ToBeHiddenAsync();
        await BrowserFixture.ScreenshotAsync(page, "15-4-failure-cleared-while-typing");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_failed_row_offers_Retry_which_sends_the_same_request_again()
    {
        var video = fixture.NewVideo("r");
        var (page, apiRequests) = await fixture.OpenRecordedAsync();
        await BrowserFixture.ShowVideoAsync(page, video);
        var requests = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.EndsWith("/api/jobs", StringComparison.Ordinal))
                requests.Add(request.PostData ?? "");
        };
        Origin.CorruptMedia[fixture.Service.Media.Video720.Name] = true;
        try
        {
            await page.Locator("input[name=quality][value='1280x720']").CheckAsync();
            await page.Locator("#upload-button").ClickAsync();
            await Assertions.Expect(Row(page, video)).ToHaveAttributeAsync("data-phase", "failed", new() { Timeout = UploadTimeout });
        }
        finally
        {
            Origin.CorruptMedia.TryRemove(fixture.Service.Media.Video720.Name, out _);
        }
        var failed = page.Locator(".job[data-phase=failed]", new() { HasText = video });
        await Assertions.Expect(failed.Locator(".message")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "15-5-failed-row");

        await failed.Locator("button.retry").ClickAsync();

        await Assertions.Expect(page.Locator(".job[data-phase=done]", new() { HasText = video }))
            .ToHaveCountAsync(1, new() { Timeout = UploadTimeout });
        requests.Count.ShouldBe(2);
        requests[1].ShouldBe(requests[0]);
        await BrowserFixture.ScreenshotAsync(page, "15-5-retried");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_finished_row_can_be_removed_from_the_history_and_stays_gone_after_a_reload()
    {
        var video = fixture.NewVideo("h");
        var kept = fixture.NewVideo("k");
        using var http = fixture.Service.CreateClient();
        (await http.UploadAsync(new { url = video, quality = "360p" })).Status.ShouldBe(System.Net.HttpStatusCode.OK);
        // A row that stays, so that after the reload the list is known to be drawn, whichever specs ran before.
        (await http.UploadAsync(new { url = kept, quality = "360p" })).Status.ShouldBe(System.Net.HttpStatusCode.OK);
        var (page, _) = await fixture.OpenRecordedAsync();
        var row = Row(page, video);
        await Assertions.Expect(row).ToHaveAttributeAsync("data-phase", "done", new() { Timeout = 15_000 });
        // A history row says when it ran.
        (await row.Locator("time").GetAttributeAsync("datetime")).ShouldNotBeNullOrEmpty();
        (await row.Locator("time").TextContentAsync()).ShouldNotBeNullOrWhiteSpace();

        await row.Locator("button.remove").ClickAsync();

        await Assertions.Expect(row).ToHaveCountAsync(0);
        (await http.ListJobsAsync()).ShouldNotContain(j => j.GetProperty("videoId").GetString() == video);
        await page.ReloadAsync();
        await Assertions.Expect(Row(page, kept)).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(row).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "15-5-row-removed");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_same_video_stored_twice_is_one_row()
    {
        var video = fixture.NewVideo("s");
        var (page, _) = await fixture.OpenRecordedAsync();
        await BrowserFixture.ShowVideoAsync(page, video);
        await page.Locator("input[name=quality][value='640x360']").CheckAsync();
        await page.Locator("#upload-button").ClickAsync();
        await Assertions.Expect(Row(page, video)).ToHaveAttributeAsync("data-phase", "done", new() { Timeout = UploadTimeout });

        await page.Locator("#upload-button").ClickAsync();

        await Assertions.Expect(page.Locator("#jobs-announcer")).ToContainTextAsync("Already stored", new() { Timeout = 15_000 });
        await Assertions.Expect(Row(page, video)).ToHaveCountAsync(1);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Open_plays_in_the_browser_and_Download_downloads_and_no_other_link_is_offered()
    {
        var video = fixture.NewVideo("o");
        var (page, _) = await fixture.OpenRecordedAsync();
        await BrowserFixture.ShowVideoAsync(page, video);
        await page.Locator("input[name=quality][value='640x360']").CheckAsync();
        await page.Locator("#upload-button").ClickAsync();
        var row = Row(page, video);
        await Assertions.Expect(row).ToHaveAttributeAsync("data-phase", "done", new() { Timeout = UploadTimeout });

        await Assertions.Expect(row.Locator(".links a")).ToHaveCountAsync(2);
        var open = row.Locator("a.open");
        await Assertions.Expect(open).ToHaveTextAsync("Open");
        var openUrl = await open.GetAttributeAsync("href");
        openUrl.ShouldNotBeNull("the job's result gives an openUrl");
        var opened = await page.Context.APIRequest.GetAsync(openUrl);
        opened.Status.ShouldBe(200);
        opened.Headers.GetValueOrDefault("content-disposition", "").ShouldStartWith("inline");
        var player = await page.RunAndWaitForPopupAsync(() => open.ClickAsync());
        await Assertions.Expect(player.Locator("video")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await BrowserFixture.ScreenshotAsync(player, "15-2-open-plays-inline");
        await player.CloseAsync();

        var download = await page.RunAndWaitForDownloadAsync(() => row.Locator("a.download-link").ClickAsync());
        download.SuggestedFilename.ShouldEndWith(".mp4");
        new FileInfo(await download.PathAsync()).Length.ShouldBeGreaterThan(0);
        await BrowserFixture.ScreenshotAsync(page, "15-2-open-and-download");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task On_the_local_store_the_page_says_this_servers_folder_not_S3()
    {
        var folder = Directory.CreateTempSubdirectory("ytd-page-local-").FullName;
        try
        {
            await using var service = ServiceFactory.Start(new Dictionary<string, string?>
            {
                ["Youtube:Origin"] = Origin.BaseUrl.ToString(),
                ["Storage:Local:Path"] = folder,
            });
            var (page, _) = await fixture.OpenRecordedAsync(serverUrl: service.ServerUrl);
            await BrowserFixture.ShowVideoAsync(page, fixture.NewVideo("f"));

            await Assertions.Expect(page.Locator("#tagline")).ToContainTextAsync("this server's folder");
            (await page.Locator("body").TextContentAsync() ?? "").ShouldNotContain("S3");
            (await page.Locator("body").TextContentAsync() ?? "").ShouldNotContain("bucket");
            await BrowserFixture.ScreenshotAsync(page, "15-5-local-store");
            await page.Context.CloseAsync();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private const string Key = "key-of-the-upload-page-specs";

    [Fact]
    public async Task Escape_in_the_key_dialog_leaves_the_page_saying_that_a_key_is_needed()
    {
        await using var service = fixture.StartService(new() { ["Auth:ApiKeys:0"] = Key });
        var page = await fixture.OpenPageAsync(serverUrl: service.ServerUrl);
        await page.GotoAsync("/");
        var dialog = page.Locator("#key-dialog");
        await Assertions.Expect(dialog).ToBeVisibleAsync(new() { Timeout = 15_000 });

        await page.Keyboard.PressAsync("Escape");

        await Assertions.Expect(dialog).ToBeHiddenAsync();
        var empty = page.Locator("#jobs-empty");
        await Assertions.Expect(empty).ToContainTextAsync("needs an API key");
        (await empty.TextContentAsync() ?? "").ShouldNotContain("Nothing yet");
        await Assertions.Expect(page.Locator("#jobs-key")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "15-5-key-dialog-escaped");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_key_remembered_on_this_device_is_not_asked_again_in_a_new_tab_and_a_key_for_this_tab_is()
    {
        await using var service = fixture.StartService(new() { ["Auth:ApiKeys:0"] = Key });

        async Task<IPage> EnterKeyAsync(IPage page, bool remember)
        {
            await page.GotoAsync("/");
            await Assertions.Expect(page.Locator("#key-dialog")).ToBeVisibleAsync(new() { Timeout = 15_000 });
            await page.Locator("#api-key").FillAsync(Key);
            await page.Locator("#remember-key").SetCheckedAsync(remember);
            await page.Locator("#key-form button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("#jobs-empty")).ToContainTextAsync("Nothing yet", new() { Timeout = 15_000 });
            return page;
        }

        var remembered = await EnterKeyAsync(await fixture.OpenPageAsync(serverUrl: service.ServerUrl), remember: true);
        var newTab = await remembered.Context.NewPageAsync();
        await newTab.GotoAsync("/");
        await Assertions.Expect(newTab.Locator("#jobs-empty")).ToContainTextAsync("Nothing yet", new() { Timeout = 15_000 });
        await Assertions.Expect(newTab.Locator("#key-dialog")).ToBeHiddenAsync();
        await remembered.Context.CloseAsync();

        var forThisTab = await EnterKeyAsync(await fixture.OpenPageAsync(serverUrl: service.ServerUrl), remember: false);
        var otherTab = await forThisTab.Context.NewPageAsync();
        await otherTab.GotoAsync("/");
        await Assertions.Expect(otherTab.Locator("#key-dialog")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await forThisTab.Context.CloseAsync();
    }

    [Fact]
    public async Task A_refused_upload_shows_the_servers_sentence_once()
    {
        var video = fixture.NewVideo("q");
        await using var service = fixture.StartService(new() { ["Limits:JobRequests"] = "1" });
        var (page, _) = await fixture.OpenRecordedAsync(serverUrl: service.ServerUrl);
        await BrowserFixture.ShowVideoAsync(page, video);
        await page.Locator("#upload-button").ClickAsync();
        await Assertions.Expect(Row(page, video)).ToHaveCountAsync(1, new() { Timeout = 15_000 });

        await page.Locator("#upload-button").ClickAsync();

        var detail = page.Locator("#details-error .problem-detail");
        await Assertions.Expect(detail).ToContainTextAsync("Too many requests", new() { Timeout = 15_000 });
        TryAgain().Matches(await detail.TextContentAsync() ?? "").Count.ShouldBe(1);
        await BrowserFixture.ScreenshotAsync(page, "15-5-refused-once");
        await page.Context.CloseAsync();
    }

    [GeneratedRegex("try again", RegexOptions.IgnoreCase)]
    private static partial Regex TryAgain();

    [GeneratedRegex(@"^Uploading · [\d.]+ [KMG]?B of [\d.]+ [KMG]?B uploaded( · [\d.]+ [KMG]?B/s)?( · about \d+:\d\d left)?$")]
    private static partial Regex UploadText();
}
