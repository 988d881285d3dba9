using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>
/// The real service (fake origin, real S3) and Debian's chromium, headless, driven by Playwright.
/// No browser is ever downloaded: the executable is the system's (YTD_TEST_CHROMIUM overrides /usr/bin/chromium).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private const string ChromiumVariable = "YTD_TEST_CHROMIUM";
    private IPlaywright _playwright = null!;

    public ServiceFixture Service { get; } = new();
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots of each state are kept, as test artifacts (in the test output folder, ignored by git).</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts", "screenshots");

    public async ValueTask InitializeAsync()
    {
        var chromium = Environment.GetEnvironmentVariable(ChromiumVariable) ?? "/usr/bin/chromium";
        if (!File.Exists(chromium))
            throw new InvalidOperationException(
                $"No chromium at {chromium}: install Debian's (apt-get install chromium, as scripts/test.sh does) or set {ChromiumVariable}.");

        await Service.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
        Directory.CreateDirectory(ScreenshotFolder);
    }

    /// <summary>How long an upload of a test video may take on a loaded machine.</summary>
    public static TimeSpan UploadTimeout { get; } = TimeSpan.FromSeconds(60);

    /// <summary>A new video ID the fake origin plays.</summary>
    public string NewVideo(string prefix)
    {
        var id = (prefix + Guid.NewGuid().ToString("N"))[..11];
        Service.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        return id;
    }

    /// <summary>A fresh browser context (empty cache and storage) on the page of the service at <paramref name="serverUrl"/> (the fixture's by default).</summary>
    public async Task<IPage> OpenPageAsync(ViewportSize? viewport = null, string? serverUrl = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = serverUrl ?? Service.Service.ServerUrl,
            ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 900 },
            AcceptDownloads = true,
        });
        return await context.NewPageAsync();
    }

    /// <summary>Opens the page and records every request it makes to the API.</summary>
    public async Task<(IPage Page, ConcurrentQueue<string> ApiRequests)> OpenRecordedAsync(ViewportSize? viewport = null, string? serverUrl = null)
    {
        var page = await OpenPageAsync(viewport, serverUrl);
        var apiRequests = new ConcurrentQueue<string>();
        page.Request += (_, request) =>
        {
            if (new Uri(request.Url).AbsolutePath.StartsWith("/api/", StringComparison.Ordinal))
                apiRequests.Enqueue($"{request.Method} {new Uri(request.Url).PathAndQuery}");
        };
        await page.GotoAsync("/");
        return (page, apiRequests);
    }

    /// <summary>The link check has loaded once a link gets the browser's verdict.</summary>
    public static async Task WaitForCheckerAsync(IPage page) =>
        await Assertions.Expect(page.Locator("#link-status")).Not.ToBeEmptyAsync(new() { Timeout = 15_000 });

    /// <summary>Types a link and waits for its details, as a user would.</summary>
    public static async Task ShowVideoAsync(IPage page, string video)
    {
        await page.Locator("#link").FillAsync($"https://www.youtube.com/watch?v={video}");
        await Assertions.Expect(page.Locator("#video-title")).ToContainTextAsync(video, new() { Timeout = 15_000 });
    }

    /// <summary>A second service beside the fixture's, on the same origin and S3, with some settings changed.</summary>
    public ServiceFactory StartService(Dictionary<string, string?> changes)
    {
        var settings = ServiceFactory.S3Settings(Service.Origin, Service.S3);
        foreach (var (key, value) in changes)
            settings[key] = value;
        return ServiceFactory.Start(settings);
    }

    /// <summary>Saves the page as it looks now, and names the file in the test's output so a reader can find it.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(ScreenshotFolder, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.Current.TestOutputHelper?.WriteLine($"Screenshot: {path}");
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
        await Service.DisposeAsync();
    }
}
