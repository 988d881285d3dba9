using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>The WebAssembly module's files under /pkg/, as the server sends them.</summary>
public sealed partial class ModuleFilesSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private async Task<string> FingerprintedRuntimeAsync(HttpClient http)
    {
        // dotnet.js, the entry, names the fingerprinted files it loads.
        var entry = await http.GetStringAsync("/pkg/_framework/dotnet.js");
        var runtime = RuntimeWasm().Match(entry).Value;
        runtime.ShouldNotBeNullOrEmpty();
        return runtime;
    }

    [Theory]
    [InlineData("br, gzip", "br")]
    [InlineData("gzip", "gzip")]
    [InlineData("identity", null)]
    public async Task The_module_is_sent_precompressed_when_the_browser_accepts_it(string acceptEncoding, string? expected)
    {
        using var http = fixture.CreateClient();
        var runtime = await FingerprintedRuntimeAsync(http);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/pkg/_framework/{runtime}");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);

        using var response = await http.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/wasm");
        response.Content.Headers.ContentEncoding.SingleOrDefault().ShouldBe(expected);
        response.Headers.Vary.ShouldContain("Accept-Encoding");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (expected is null)
            bytes.Take(4).ShouldBe(new byte[] { 0, (byte)'a', (byte)'s', (byte)'m' });
        else
            bytes.Length.ShouldBeLessThan(1_500_000);
    }

    [Fact]
    public async Task Fingerprinted_files_are_cached_for_a_year_and_the_entry_is_revalidated()
    {
        using var http = fixture.CreateClient();
        var runtime = await FingerprintedRuntimeAsync(http);

        using var fingerprinted = await http.GetAsync($"/pkg/_framework/{runtime}");
        fingerprinted.Headers.CacheControl.ShouldBe(CacheControlHeaderValue.Parse("public, max-age=31536000, immutable"));

        using var entry = await http.GetAsync("/pkg/_framework/dotnet.js");
        entry.Headers.CacheControl!.NoCache.ShouldBeTrue();
        entry.Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript");
        using var revalidation = new HttpRequestMessage(HttpMethod.Get, "/pkg/_framework/dotnet.js");
        revalidation.Headers.IfNoneMatch.Add(entry.Headers.ETag!);
        (await http.SendAsync(revalidation)).StatusCode.ShouldBe(HttpStatusCode.NotModified);
    }

    [Fact]
    public async Task The_page_is_self_contained_and_refers_to_nothing_outside_the_server()
    {
        using var http = fixture.CreateClient();
        string[] pageFiles =
        [
            "/", "/app.js", "/api.js", "/details.js", "/format.js", "/jobs.js", "/key-dialog.js", "/link.js", "/playlist.js",
            "/problem.js", "/url-check.js", "/styles.css", "/favicon.svg",
        ];

        foreach (var file in pageFiles)
        {
            var text = await http.GetStringAsync(file);
            ExternalReference().Matches(text).Select(m => m.Value).ShouldBeEmpty($"{file} refers outside the server");
        }
    }

    [GeneratedRegex(@"dotnet\.native\.[0-9a-z]{10}\.wasm")]
    private static partial Regex RuntimeWasm();

    // A URL with a scheme or protocol-relative host, in an attribute, an import, or CSS.
    [GeneratedRegex(@"(?:src|href|import|url)\s*[=(]?\s*[""'(]?\s*(?:https?:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();
}
