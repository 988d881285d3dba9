using System.Globalization;
using CliWrap;
using Microsoft.Playwright;
using YtDownloader.IntegrationTests.TestSupport;

// Publishes the server as a user deploys it, starts it as its own process on loopback, and loads its page in
// Debian's headless chromium: cold (a new profile, empty cache), reloaded at once, and cached (the same profile,
// a returning visit a few seconds later).
// Usage: dotnet run -c Release --project bench/YtDownloader.BrowserBench [-- --runs N]

// Types a valid link as soon as the page is parsed, and notes when the page first shows the module's verdict;
// performance.now() counts from the start of the navigation.
const string FirstAnswerProbe = """
    document.addEventListener('DOMContentLoaded', () => {
      const input = document.getElementById('link');
      const status = document.getElementById('link-status');
      new MutationObserver(() => {
        if (!window.firstAnswerAt && status.classList.contains('valid')) window.firstAnswerAt = performance.now();
      }).observe(status, { attributes: true, childList: true, subtree: true, characterData: true });
      input.value = 'https://youtu.be/dQw4w9WgXcQ';
      input.dispatchEvent(new Event('input'));
    });
    """;

const int QuietSeconds = 3;
var runs = args is ["--runs", var n] ? int.Parse(n, CultureInfo.InvariantCulture) : 7;
var chromium = Environment.GetEnvironmentVariable("YTD_TEST_CHROMIUM") ?? "/usr/bin/chromium";
var repository = FindRepository();
var publishFolder = Directory.CreateTempSubdirectory("ytd-browser-bench-").FullName;

// As scripts/run.sh runs it: published for this machine, one native executable.
Console.WriteLine($"Publishing the server into {publishFolder} …");
await Cli.Wrap("bash")
    .WithArguments([Path.Combine(repository, "scripts", "publish-here.sh"), publishFolder])
    .WithStandardErrorPipe(PipeTarget.ToStream(Console.OpenStandardError()))
    .ExecuteAsync();

var log = Path.Combine(Path.GetTempPath(), $"ytd-browser-bench-{Guid.NewGuid():N}.log");
var server = await ServerProcess.StartAsync(new Dictionary<string, string?> { ["Logging__LogLevel__Default"] = "Warning" },
    Path.Combine(publishFolder, "YtDownloader"), log);
var baseUrl = server.BaseUrl.ToString().TrimEnd('/');
try
{
    // In a full run the figures before this one can leave the machine busy (the S3 server still settling the
    // gigabytes just written, the publish just now compiling for a minute): a page timed through that measures the machine.
    var (waited, busy) = await WaitUntilQuietAsync(TimeSpan.FromSeconds(120));
    Console.WriteLine(busy <= 0.15
        ? $"The machine was quiet after {waited.TotalSeconds:0} s ({QuietSeconds} s in a row at most 15 % busy)."
        : $"The machine was still {busy:P0} busy after {waited.TotalSeconds:0} s: the figures below are taken through it.");

    using var playwright = await Playwright.CreateAsync();
    await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = chromium,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"],
    });

    var cold = new List<double>();
    var reloaded = new List<double>();
    var cached = new List<double>();
    long wireBytes = 0;
    for (var run = 0; run < runs; run++)
    {
        // A new context is a new profile: nothing cached.
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl });
        var page = await context.NewPageAsync();
        await page.AddInitScriptAsync(FirstAnswerProbe);
        var moduleResponses = new List<IResponse>();
        page.Response += (_, response) =>
        {
            if (new Uri(response.Url).AbsolutePath.StartsWith("/pkg/", StringComparison.Ordinal))
                moduleResponses.Add(response);
        };

        cold.Add(await TimeToFirstAnswerAsync(page));
        if (run == 0)
            wireBytes = await ModuleWireBytesAsync(moduleResponses);
        reloaded.Add(await TimeToFirstAnswerAsync(page));
        // A returning visit comes later than the instant the first answer appears: chromium writes its caches
        // (compiled WebAssembly code among them) in the background after a load.
        await Task.Delay(TimeSpan.FromSeconds(3));
        cached.Add(await TimeToFirstAnswerAsync(page));
    }

    Console.WriteLine();
    Console.WriteLine($"| figure | value | target |");
    Console.WriteLine($"|---|---|---|");
    Console.WriteLine($"| WebAssembly module on the wire (Brotli, every /pkg/ file the page loads) | {wireBytes / 1e6:0.00} MB | ≤ 1.6 MB |");
    Console.WriteLine($"| navigation → first link-check answer, cold (median of {runs}; min–max) | {Median(cold):0.00} s ({cold.Min():0.00}–{cold.Max():0.00}) | ≤ 0.8 s |");
    Console.WriteLine($"| navigation → first link-check answer, reloaded at once (median of {runs}; min–max) | {Median(reloaded):0.00} s ({reloaded.Min():0.00}–{reloaded.Max():0.00}) | (reference) |");
    Console.WriteLine($"| navigation → first link-check answer, cached: a returning visit 3 s later (median of {runs}; min–max) | {Median(cached):0.00} s ({cached.Min():0.00}–{cached.Max():0.00}) | ≤ 0.3 s |");
}
finally
{
    await server.DisposeAsync();
    File.Delete(log);
    Directory.Delete(publishFolder, recursive: true);
}

static async Task<double> TimeToFirstAnswerAsync(IPage page)
{
    await page.GotoAsync("/", new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
    var milliseconds = await page.WaitForFunctionAsync("() => window.firstAnswerAt", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
    return (await milliseconds.JsonValueAsync<double>()) / 1000;
}

static async Task<long> ModuleWireBytesAsync(IEnumerable<IResponse> responses)
{
    long total = 0;
    foreach (var response in responses)
    {
        var encoding = await response.HeaderValueAsync("content-encoding");
        if (encoding != "br")
            throw new InvalidOperationException($"{response.Url} came as {encoding ?? "uncompressed"}, not Brotli.");
        total += (await response.Request.SizesAsync()).ResponseBodySize;
    }
    return total;
}

// Until the CPU of the whole machine (/proc/stat) has been at most 15 % busy for QuietSeconds in a row, or the limit.
static async Task<(TimeSpan Waited, double Busy)> WaitUntilQuietAsync(TimeSpan limit)
{
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var quietFor = 0;
    var busy = 1.0;
    for (var (total, idle) = CpuTicks(); quietFor < QuietSeconds && clock.Elapsed < limit;)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        var (nowTotal, nowIdle) = CpuTicks();
        busy = nowTotal == total ? 0 : 1 - (double)(nowIdle - idle) / (nowTotal - total);
        quietFor = busy <= 0.15 ? quietFor + 1 : 0;
        (total, idle) = (nowTotal, nowIdle);
    }
    return (clock.Elapsed, busy);
}

// The machine's CPU ticks since boot, all and idle (idle plus waiting for I/O), from the first line of /proc/stat.
static (long Total, long Idle) CpuTicks()
{
    var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
        .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
    return (fields.Take(8).Sum(), fields[3] + fields[4]);
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

static string FindRepository()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "YtDownloader.slnx")))
            return dir.FullName;
    }
    throw new DirectoryNotFoundException("Could not find YtDownloader.slnx above the benchmark.");
}
