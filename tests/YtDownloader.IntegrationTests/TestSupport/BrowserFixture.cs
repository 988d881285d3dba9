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

    /// <summary>Where screenshots of each state are kept, as test artifacts.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

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

    /// <summary>A fresh browser context (empty cache and storage) on the service's page.</summary>
    public async Task<IPage> OpenPageAsync(ViewportSize? viewport = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Service.Service.ServerUrl,
            ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 900 },
        });
        return await context.NewPageAsync();
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, $"{name}.png"), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
        await Service.DisposeAsync();
    }
}
