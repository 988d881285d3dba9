using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

public sealed class SecuritySpecs(SecuritySpecs.KeyedFixture fixture) : IClassFixture<SecuritySpecs.KeyedFixture>
{
    public const string Key = "k3y-for-the-security-specs-0123456789";
    public const string OtherKey = "another-key-for-the-security-specs";

    /// <summary>The default service, with two API keys configured.</summary>
    public sealed class KeyedFixture : ServiceFixture
    {
        protected override void Configure(Dictionary<string, string?> settings)
        {
            settings["Auth:ApiKeys:0"] = Key;
            settings["Auth:ApiKeys:1"] = OtherKey;
        }
    }

    private HttpClient CreateClient(string? bearer = Key)
    {
        var http = fixture.CreateClient();
        if (bearer is not null)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return http;
    }

    [Theory]
    [InlineData("GET", "/api/video?url=aaaaaaaaaaa")]
    [InlineData("POST", "/api/upload-s3")]
    [InlineData("GET", "/api/auth")]
    [InlineData("POST", "/api/jobs")]
    [InlineData("GET", "/api/sources")]
    [InlineData("GET", "/api/an-endpoint-added-later")]
    public async Task Every_api_route_answers_401_without_a_valid_key(string method, string path)
    {
        foreach (var (header, value) in new[] { ("", ""), ("Authorization", "Bearer wrong-key"), ("X-Api-Key", "wrong-key"), ("Authorization", $"Basic {Key}") })
        {
            using var http = CreateClient(bearer: null);
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (header.Length > 0)
                request.Headers.TryAddWithoutValidation(header, value);

            using var response = await http.SendAsync(request);

            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"{header}: {value}");
            response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            (await ApiClient.ReadJsonAsync(response)).Text("detail").ShouldContain("API key");
        }
    }

    [Fact]
    public async Task A_valid_key_opens_the_api_as_bearer_or_as_X_Api_Key()
    {
        fixture.Origin.Youtube[FakeOrigin.PlayableVideo] = YoutubeBehaviour.Playable;
        using var bearer = CreateClient();
        using var other = CreateClient(OtherKey);
        using var header = CreateClient(bearer: null);
        header.DefaultRequestHeaders.Add("X-Api-Key", Key);

        (await bearer.GetAsync("/api/auth")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await other.GetAsync("/api/auth")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await header.GetAsync("/api/auth")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await bearer.GetVideoAsync(FakeOrigin.PlayableVideo)).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_page_its_files_and_the_health_probe_need_no_key()
    {
        using var http = CreateClient(bearer: null);

        (await http.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http.GetAsync("/pkg/not-there.js")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api/video")]
    [InlineData("/api/auth")]
    public async Task Every_answer_carries_the_security_headers(string path)
    {
        using var http = CreateClient();

        using var response = await http.GetAsync(path);

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("script-src 'self' 'wasm-unsafe-eval'");
        csp.ShouldContain("frame-ancestors 'none'");
        csp.ShouldContain("default-src 'self'");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
    }

    [Fact]
    public async Task Without_configured_origins_other_sites_get_no_CORS_permission()
    {
        using var http = CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth");
        request.Headers.Add("Origin", "https://evil.example");
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/upload-s3");
        preflight.Headers.Add("Origin", "https://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");

        using var response = await http.SendAsync(request);
        using var preflightResponse = await http.SendAsync(preflight);

        response.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
        preflightResponse.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
    }

    [Fact]
    public async Task Configured_origins_and_only_they_may_call_the_api_from_a_browser()
    {
        var settings = ServiceFactory.S3Settings(fixture.Origin, fixture.S3);
        settings["Auth:ApiKeys:0"] = Key;
        settings["Cors:Origins:0"] = "https://tools.example";
        await using var service = ServiceFactory.Start(settings);
        using var http = service.CreateClient();

        async Task<string?> AllowedOrigin(string origin)
        {
            using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/upload-s3");
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
            using var response = await http.SendAsync(preflight);
            return response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
        }

        (await AllowedOrigin("https://tools.example")).ShouldBe("https://tools.example");
        (await AllowedOrigin("https://evil.example")).ShouldBeNull();
    }

    public static TheoryData<string> RefusedMediaHosts => new()
    {
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://localhost:{origin-port}/media/muxed360.mp4", // the fake origin itself, under a name nobody configured
        "http://127.0.0.1:{canary-port}/media/muxed360.mp4",
        "http://10.0.0.1/media/muxed360.mp4",
        "http://[::1]:{canary-port}/media/muxed360.mp4",
        "{origin}redirect?to=http%3A%2F%2F127.0.0.1%3A{canary-port}%2Fmedia%2Fmuxed360.mp4",
        "file:///etc/passwd",
        "ftp://r1---sn-abc.googlevideo.com/videoplayback",
    };

    [Theory]
    [MemberData(nameof(RefusedMediaHosts))]
    public async Task A_media_URL_pointing_anywhere_but_the_sources_is_refused_before_any_connection(string target)
    {
        var id = $"ssrf{Math.Abs(target.GetHashCode(StringComparison.Ordinal)) % 10_000_000:D7}";
        using var canary = new TcpListener(IPAddress.Loopback, 0);
        canary.Start();
        var canaryPort = ((IPEndPoint)canary.LocalEndpoint).Port;
        var url = target.Replace("{origin}", fixture.Origin.BaseUrl.ToString(), StringComparison.Ordinal)
            .Replace("{origin-port}", fixture.Origin.BaseUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{canary-port}", canaryPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        fixture.Origin.MediaUrls[id] = _ => new Uri(url);
        using var http = CreateClient();

        var (status, body, contentType) = await http.UploadAsync(new { url = id, quality = "360p" });

        status.ShouldBe(HttpStatusCode.BadGateway, body.ToString());
        contentType.ShouldBe("application/problem+json");
        body.Text("detail").ShouldStartWith("Refused to");
        canary.Pending().ShouldBeFalse("something connected to the canary");
        (await fixture.S3.ListObjectsAsync()).ShouldNotContain(o => o.Key.Contains(id));
        (await fixture.S3.ListOpenUploadsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_redirect_that_stays_on_a_configured_source_is_followed()
    {
        const string id = "redirectok1";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        fixture.Origin.MediaUrls[id] = media => new Uri(fixture.Origin.BaseUrl, $"/redirect?to={Uri.EscapeDataString(media.ToString())}");
        using var http = CreateClient();

        var (status, body, _) = await http.UploadAsync(new { url = id, quality = "360p" });

        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        fixture.Origin.CountRequests("GET /redirect").ShouldBeGreaterThan(0);
        var path = await fixture.S3.DownloadAsync(body.Text("key"), Directory.CreateTempSubdirectory("ytd-redirect-").FullName);
        (await Ffprobe.MediaHashAsync(path)).ShouldBe(await Ffprobe.MediaHashAsync(fixture.Media.Muxed360.Path));
    }
}
