using Microsoft.Playwright;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>The page's choices beyond one video at one quality (issue 11): audio only, subtitles, and the bookmarklet.</summary>
[Collection(nameof(BrowserSpecs))]
public sealed class PageChoicesSpecs(BrowserFixture fixture)
{
    private static readonly float UploadTimeout = (float)BrowserFixture.UploadTimeout.TotalMilliseconds;

    [Fact]
    public async Task Audio_only_as_m4a_can_be_chosen_and_comes_out_aac_without_video()
    {
        var video = fixture.NewVideo("a");
        var (page, _) = await fixture.OpenRecordedAsync();
        await BrowserFixture.ShowVideoAsync(page, video);

        var choice = page.Locator("#qualities label.quality", new() { HasText = "Audio only (M4A)" });
        // The codec and bitrate, not "best audio".
        (await choice.Locator(".facts").TextContentAsync() ?? "").ShouldMatch(@"AAC \d+ kbit/s");
        await choice.ClickAsync();
        await page.Locator("#upload-button").ClickAsync();

        var row = page.Locator(".job", new() { HasText = video });
        await Assertions.Expect(row).ToHaveAttributeAsync("data-phase", "done", new() { Timeout = UploadTimeout });
        await Assertions.Expect(row.Locator(".title")).ToContainTextAsync("audio only (M4A)");
        var stored = (await fixture.Service.S3.ListObjectsAsync()).Where(o => o.Key.Contains(video, StringComparison.Ordinal)).ShouldHaveSingleItem();
        stored.Key.ShouldEndWith(".m4a");
        var folder = Directory.CreateTempSubdirectory("ytd-browser-m4a-").FullName;
        try
        {
            var probe = await Ffprobe.ProbeAsync(await fixture.Service.S3.DownloadAsync(stored.Key, folder));
            // Beside the audio only the cover art (and ffmpeg's empty placeholder for it in a fragmented file).
            probe.Streams.Where(s => s.IsPlayable).ShouldHaveSingleItem().CodecName.ShouldBe("aac");
            probe.Streams.ShouldContain(s => s.AttachedPic);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        await BrowserFixture.ScreenshotAsync(page, "11-5-audio-m4a");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_videos_subtitle_tracks_can_be_chosen_and_are_stored_with_it()
    {
        var video = fixture.NewVideo("c");
        fixture.Service.Origin.Details[video] = new FakeDetails(Captions: [new("en", "English", false, "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHello from the page\n")]);
        var (page, _) = await fixture.OpenRecordedAsync();
        var sent = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.EndsWith("/api/jobs", StringComparison.Ordinal))
                sent.Add(request.PostData ?? "");
        };
        await BrowserFixture.ShowVideoAsync(page, video);

        var tracks = page.Locator("#subtitle-tracks input[type=checkbox]");
        await Assertions.Expect(page.Locator("#subtitles")).ToBeVisibleAsync();
        (await tracks.CountAsync()).ShouldBe(1);
        var language = await tracks.First.GetAttributeAsync("value");
        await tracks.First.CheckAsync();
        await BrowserFixture.ScreenshotAsync(page, "11-5-subtitles");
        await page.Locator("input[name=quality][value='640x360']").CheckAsync();
        await page.Locator("#upload-button").ClickAsync();

        var row = page.Locator(".job", new() { HasText = video });
        await Assertions.Expect(row).ToHaveAttributeAsync("data-phase", "done", new() { Timeout = UploadTimeout });
        sent.ShouldHaveSingleItem().ShouldContain($"\"subtitles\":[\"{language}\"]");
        var keys = (await fixture.Service.S3.ListObjectsAsync()).Select(o => o.Key).Where(k => k.Contains(video, StringComparison.Ordinal)).ToList();
        keys.ShouldContain(k => k.EndsWith($"_{language}.vtt", StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_bookmarklet_carries_the_pages_origin_and_opens_the_youtube_tab_here_with_its_link_checked()
    {
        var video = fixture.NewVideo("k");
        var (page, _) = await fixture.OpenRecordedAsync();
        var origin = new Uri(fixture.Service.Service.ServerUrl).GetLeftPart(UriPartial.Authority);

        var bookmarklet = page.Locator("#bookmarklet");
        await Assertions.Expect(bookmarklet).ToBeVisibleAsync();
        (await page.Locator("#bookmarklet-heading").Locator("..").TextContentAsync() ?? "").ShouldContain("bookmarks bar");
        var href = await bookmarklet.GetAttributeAsync("href") ?? "";
        href.ShouldStartWith("javascript:");
        href.ShouldContain($"\"{origin}/?url=\"");
        await BrowserFixture.ScreenshotAsync(page, "11-5-bookmarklet");

        // A YouTube tab (answered by the test, as the browser would show the real one), where the user clicks it.
        var youtubeTab = await page.Context.NewPageAsync();
        await youtubeTab.RouteAsync("https://www.youtube.com/**", route => route.FulfillAsync(new()
        {
            Status = 200, ContentType = "text/html", Body = "<!doctype html><title>YouTube</title><p>A video</p>",
        }));
        var watchUrl = $"https://www.youtube.com/watch?v={video}&t=5";
        await youtubeTab.GotoAsync(watchUrl);
        var here = await page.Context.RunAndWaitForPageAsync(
            () => youtubeTab.EvaluateAsync(Uri.UnescapeDataString(href["javascript:".Length..])));

        await Assertions.Expect(here.Locator("#video-title")).ToContainTextAsync(video, new() { Timeout = 15_000 });
        (await here.Locator("#link").InputValueAsync()).ShouldBe(watchUrl);
        // The link came once: the address no longer carries it, so a reload does not look it up again.
        new Uri(here.Url).Query.ShouldBeEmpty();
        await BrowserFixture.ScreenshotAsync(here, "11-5-bookmarklet-opened");
        await page.Context.CloseAsync();
    }
}
