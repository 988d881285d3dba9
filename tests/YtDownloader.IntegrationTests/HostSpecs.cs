using System.Net;
using System.Text.Json;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>
/// Which host names the service answers to, checked on the service as its own process over raw sockets (HTTP/1.0
/// without a Host, ports beyond 65535, a rebound name), and that a refused request did no work at all.
/// </summary>
public sealed class HostSpecs(HostSpecs.KeylessFixture fixture) : IClassFixture<HostSpecs.KeylessFixture>
{
    public const string Key = "k3y-for-the-host-specs-0123456789abcdef";

    /// <summary>The fake origin, and the default keyless service storing into a local folder, as its own process.</summary>
    public sealed class KeylessFixture : IAsyncLifetime
    {
        public TestMedia Media { get; } = new();
        public FakeOrigin Origin { get; private set; } = null!;
        public ServerProcess Server { get; private set; } = null!;
        public string Folder { get; } = Directory.CreateTempSubdirectory("ytd-hosts-").FullName;

        public async ValueTask InitializeAsync()
        {
            await Media.InitializeAsync();
            Origin = new FakeOrigin(Media);
            await Origin.InitializeAsync();
            Server = await StartAsync(Folder);
        }

        /// <summary>A service on loopback storing into its own folder, with these settings besides.</summary>
        public Task<ServerProcess> StartAsync(string folder, params (string Key, string Value)[] extra)
        {
            var settings = new Dictionary<string, string?>
            {
                ["Youtube:Origin"] = Origin.BaseUrl.ToString(),
                ["Storage:Local:Path"] = Path.Combine(folder, "videos"),
                ["Jobs:DatabasePath"] = Path.Combine(folder, "jobs.db"),
                ["Limits:JobRequests"] = "100000",
            };
            foreach (var (key, value) in extra)
                settings[key] = value;
            return ServerProcess.StartAsync(settings);
        }

        public string NewVideo()
        {
            var id = $"host{Guid.NewGuid():N}"[..11];
            Origin.Youtube[id] = YoutubeBehaviour.Playable;
            return id;
        }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            await Origin.DisposeAsync();
            await Media.DisposeAsync();
            Directory.Delete(Folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("rebind.attacker.example:8080")]
    [InlineData("evil.example")]
    [InlineData("localhost.evil.example")]
    [InlineData("127.0.0.2")]
    [InlineData("192.168.1.10:8080")]
    [InlineData("[::2]")]
    public async Task Without_a_key_a_host_name_other_than_loopback_is_refused_before_any_work(string host)
    {
        var video = fixture.NewVideo();
        var originRequests = fixture.Origin.Requests.Count;

        var (status, body) = await RawHttp.SendAsync(fixture.Server.BaseUrl, "POST /api/jobs HTTP/1.1", [$"Host: {host}"], RawHttp.JobBody(video));

        status.ShouldBe(400, body);
        body.ShouldContain("DNS rebinding");
        await NothingWasDoneForAsync(video, originRequests);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST:1")]
    [InlineData("127.0.0.1:65535")]
    [InlineData("[::1]:8080")]
    public async Task Loopback_host_names_are_accepted_at_any_port(string host)
    {
        var (status, body) = await RawHttp.SendAsync(fixture.Server.BaseUrl, "GET /api/jobs HTTP/1.1", [$"Host: {host}"]);

        status.ShouldBe(200, body);
        body.ShouldContain("\"jobs\"");
    }

    public static TheoryData<string, string[]> MalformedHosts => new()
    {
        { "HTTP/1.0", [] },
        { "HTTP/1.1", ["Host:"] },
        { "HTTP/1.1", ["Host: localhost:99999"] },
        { "HTTP/1.1", ["Host: localhost:0"] },
        { "HTTP/1.1", ["Host: localhost:"] },
        { "HTTP/1.1", ["Host: 127.0.0.1:8080:80"] },
    };

    [Theory]
    [MemberData(nameof(MalformedHosts))]
    public async Task A_missing_empty_or_malformed_host_is_400_before_the_upload_runs(string version, string[] headers)
    {
        var video = fixture.NewVideo();
        var originRequests = fixture.Origin.Requests.Count;

        var upload = await RawHttp.SendAsync(fixture.Server.BaseUrl, $"POST /api/upload-s3 {version}", headers, RawHttp.JobBody(video));
        var list = await RawHttp.SendAsync(fixture.Server.BaseUrl, $"GET /api/jobs {version}", headers);

        upload.Status.ShouldBe(400, upload.Body);
        list.Status.ShouldBe(400, list.Body);
        await NothingWasDoneForAsync(video, originRequests);
    }

    [Fact]
    public async Task Links_are_built_from_the_checked_host_name()
    {
        var video = fixture.NewVideo();

        var (status, body) = await RawHttp.SendAsync(fixture.Server.BaseUrl, "POST /api/upload-s3 HTTP/1.1",
            [$"Host: localhost:{fixture.Server.BaseUrl.Port}"], RawHttp.JobBody(video));

        status.ShouldBe(200, body);
        var answer = JsonDocument.Parse(body).RootElement;
        answer.Text("s3_url").ShouldStartWith($"http://localhost:{fixture.Server.BaseUrl.Port}/files/youtube/{video}/");
        answer.Text("downloadUrl").ShouldStartWith($"http://localhost:{fixture.Server.BaseUrl.Port}/files/youtube/{video}/");
    }

    [Fact]
    public async Task With_a_key_and_any_host_allowed_links_come_from_the_address_connected_to_never_from_the_header()
    {
        var folder = Directory.CreateTempSubdirectory("ytd-hosts-any-").FullName;
        await using var server = await fixture.StartAsync(folder, ("Auth:ApiKeys:0", Key));
        var video = fixture.NewVideo();
        string[] auth = [$"Authorization: Bearer {Key}"];

        var (status, body) = await RawHttp.SendAsync(server.BaseUrl, "POST /api/upload-s3 HTTP/1.1",
            [.. auth, "Host: rebind.attacker.example:8080"], RawHttp.JobBody(video));
        var badPort = await RawHttp.SendAsync(server.BaseUrl, "POST /api/upload-s3 HTTP/1.1", [.. auth, "Host: x:99999"], RawHttp.JobBody(fixture.NewVideo()));

        status.ShouldBe(200, body);
        body.ShouldNotContain("attacker");
        JsonDocument.Parse(body).RootElement.Text("downloadUrl").ShouldStartWith($"http://127.0.0.1:{server.BaseUrl.Port}/files/");
        badPort.Status.ShouldBe(400, badPort.Body);
        Directory.EnumerateFiles(folder, "*.mp4", SearchOption.AllDirectories).Count().ShouldBe(1);
    }

    [Fact]
    public async Task With_a_key_only_the_names_in_AllowedHosts_are_answered_and_links_start_with_the_public_base_URL()
    {
        var folder = Directory.CreateTempSubdirectory("ytd-hosts-listed-").FullName;
        await using var server = await fixture.StartAsync(folder, ("Auth:ApiKeys:0", Key),
            ("AllowedHosts", "videos.example;*.team.example"), ("Server:PublicBaseUrl", "https://videos.example/tools/"));
        var refusedVideo = fixture.NewVideo();
        var video = fixture.NewVideo();
        string[] auth = [$"Authorization: Bearer {Key}"];
        var originRequests = fixture.Origin.Requests.Count;

        var refused = await RawHttp.SendAsync(server.BaseUrl, "POST /api/upload-s3 HTTP/1.1", [.. auth, "Host: 127.0.0.1"], RawHttp.JobBody(refusedVideo));
        var originRequestsAfterRefusal = fixture.Origin.Requests.Count;
        var underTeam = await RawHttp.SendAsync(server.BaseUrl, "GET /api/jobs HTTP/1.1", [.. auth, "Host: tools.team.example:8443"]);
        var (status, body) = await RawHttp.SendAsync(server.BaseUrl, "POST /api/upload-s3 HTTP/1.1", [.. auth, "Host: VIDEOS.example"], RawHttp.JobBody(video));

        refused.Status.ShouldBe(400, refused.Body);
        refused.Body.ShouldContain("AllowedHosts");
        underTeam.Status.ShouldBe(200, underTeam.Body);
        status.ShouldBe(200, body);
        JsonDocument.Parse(body).RootElement.Text("downloadUrl").ShouldStartWith($"https://videos.example/tools/files/youtube/{video}/");
        originRequestsAfterRefusal.ShouldBe(originRequests);
        Directory.EnumerateFiles(folder, "*.mp4", SearchOption.AllDirectories).ShouldHaveSingleItem().ShouldContain(video);
    }

    /// <summary>No request reached the origin since, no job was queued for the video, nothing was written for it.</summary>
    private async Task NothingWasDoneForAsync(string video, int originRequestsBefore)
    {
        fixture.Origin.Requests.Count.ShouldBe(originRequestsBefore);
        using var http = fixture.Server.CreateClient();
        (await http.ListJobsAsync()).ShouldNotContain(j => j.Text("videoId") == video);
        Directory.EnumerateFiles(fixture.Folder, "*", SearchOption.AllDirectories).ShouldNotContain(f => f.Contains(video, StringComparison.Ordinal));
    }
}
