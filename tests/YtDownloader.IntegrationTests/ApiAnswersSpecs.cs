using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>The answers the README promises where they once disagreed with it (issue 15, point 6), each on status and body.</summary>
public sealed class ApiAnswersSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    [Theory]
    [InlineData(ProxyFault.RefusesConnections)]
    [InlineData(ProxyFault.ClosesAtOnce)]
    [InlineData(ProxyFault.NeverAnswers)]
    public async Task A_broken_or_silent_outgoing_proxy_is_a_502_that_names_the_proxy(ProxyFault fault)
    {
        await using var proxy = BrokenProxy.Start(fault);
        var folder = Directory.CreateTempSubdirectory("ytd-proxy-").FullName;
        await using var service = await ServerProcess.StartAsync(new Dictionary<string, string?>
        {
            // A name that is not loopback, so that the proxy is asked (loopback never goes through one).
            ["Youtube:Origin"] = "http://youtube-through-a-proxy.test/",
            ["HTTP_PROXY"] = proxy.Url,
            ["HTTPS_PROXY"] = proxy.Url,
            ["Storage:Local:Path"] = Path.Combine(folder, "videos"),
            ["Jobs:DatabasePath"] = Path.Combine(folder, "jobs.db"),
        });
        using var http = service.CreateClient();
        http.Timeout = TimeSpan.FromMinutes(3);

        var (status, body, contentType) = await http.GetVideoAsync("https://youtu.be/dQw4w9WgXcQ");

        status.ShouldBe(HttpStatusCode.BadGateway, body.ToString());
        contentType.ShouldBe("application/problem+json");
        body.Text("title").ShouldBe("YouTube could not be reached");
        body.Text("detail").ShouldContain($"through the outgoing proxy ({proxy.Url}): check that the proxy works");
        // Every client goes to the same hosts: after one got no answer, the others are not asked to wait as long.
        body.GetProperty("tried").GetArrayLength().ShouldBe(1, body.ToString());
    }

    [Fact]
    public async Task Refused_job_requests_do_not_count_toward_the_job_creation_limit()
    {
        fixture.Origin.Youtube[FakeOrigin.PlayableVideo] = YoutubeBehaviour.Playable;
        fixture.Origin.Youtube["privatevid1"] = YoutubeBehaviour.Private;
        var settings = ServiceFactory.S3Settings(fixture.Origin, fixture.S3);
        settings["Limits:JobRequests"] = "2";
        await using var service = ServiceFactory.Start(settings);
        using var http = service.CreateClient();

        var statuses = new List<HttpStatusCode>();
        foreach (var url in new[] { "not a link", "privatevid1", FakeOrigin.PlayableVideo, "not a link either", FakeOrigin.PlayableVideo, FakeOrigin.PlayableVideo })
            statuses.Add((await http.CreateJobAsync(url, "360p")).Status);
        var (_, refused, response) = await http.CreateJobAsync(FakeOrigin.PlayableVideo, "360p");

        statuses[..2].ShouldBe([HttpStatusCode.BadRequest, HttpStatusCode.UnprocessableEntity]);
        statuses[2].ShouldBeOneOf(HttpStatusCode.Accepted, HttpStatusCode.OK);
        statuses[3].ShouldBe(HttpStatusCode.BadRequest);
        statuses[4].ShouldBeOneOf(HttpStatusCode.Accepted, HttpStatusCode.OK);
        statuses[5].ShouldBe(HttpStatusCode.TooManyRequests, "two were accepted: the budget is used up");
        response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeInRange(1, 60);
        refused.Text("title").ShouldBe("Too many requests");
        refused.Text("detail").ShouldMatch(@"^Too many requests from this client: try again in \d+ s\.$");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("0")]
    public async Task An_invalid_before_cursor_is_a_400_naming_the_parameter(string before)
    {
        using var http = fixture.CreateClient();

        using var response = await http.GetAsync($"/api/jobs?before={before}");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ApiClient.ReadJsonAsync(response)).Text("detail").ShouldBe("The query parameter before must be the \"next\" value of an earlier page.");
    }

    [Fact]
    public async Task A_URL_too_long_is_a_414_with_a_problem_body()
    {
        using var http = fixture.CreateClient();

        using var response = await http.GetAsync($"/api/video?url={new string('a', 20_000)}");

        response.StatusCode.ShouldBe(HttpStatusCode.RequestUriTooLong);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var body = await ApiClient.ReadJsonAsync(response);
        body.Text("title").ShouldBe("URL too long");
        body.Text("detail").ShouldContain("this server takes up to 8192");
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_is_a_415_with_a_detail()
    {
        using var http = fixture.CreateClient();

        using var response = await http.PostAsync("/api/jobs", new StringContent("url=x", Encoding.UTF8, "text/plain"));

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await ApiClient.ReadJsonAsync(response)).Text("detail").ShouldBe("The body must be JSON: send Content-Type: application/json.");
    }

    [Fact]
    public async Task The_server_says_where_it_stores_and_whether_a_key_is_needed()
    {
        var settings = ServiceFactory.S3Settings(fixture.Origin, fixture.S3);
        settings["Auth:ApiKeys:0"] = "a-key-for-the-server-answer-specs";
        await using var keyed = ServiceFactory.Start(settings);
        using var anonymous = keyed.CreateClient();
        using var withKey = keyed.CreateClient();
        withKey.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "a-key-for-the-server-answer-specs");
        await using var local = ServiceFactory.Start(new Dictionary<string, string?>
        {
            ["Youtube:Origin"] = fixture.Origin.BaseUrl.ToString(),
            ["Storage:Local:Path"] = Directory.CreateTempSubdirectory("ytd-server-").FullName,
        });
        using var localHttp = local.CreateClient();

        (await anonymous.GetAsync("/api/server")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var s3 = await ApiClient.ReadJsonAsync(await withKey.GetAsync("/api/server"));
        var folder = await ApiClient.ReadJsonAsync(await localHttp.GetAsync("/api/server"));

        (s3.Text("store"), s3.GetProperty("keyRequired").GetBoolean()).ShouldBe(("s3", true));
        (folder.Text("store"), folder.GetProperty("keyRequired").GetBoolean()).ShouldBe(("local", false));
    }

    public enum ProxyFault { RefusesConnections, ClosesAtOnce, NeverAnswers }

    /// <summary>An outgoing proxy that does not work: nothing listening, a connection closed at once, or one never answered.</summary>
    private sealed class BrokenProxy : IAsyncDisposable
    {
        private readonly TcpListener? _listener;
        private readonly List<TcpClient> _held = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting = Task.CompletedTask;

        private BrokenProxy(ProxyFault fault)
        {
            if (fault == ProxyFault.RefusesConnections)
            {
                Url = $"http://127.0.0.1:{LoopbackPort.Free()}";
                return;
            }
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
            _accepting = AcceptAsync(fault == ProxyFault.ClosesAtOnce);
        }

        public string Url { get; }

        public static BrokenProxy Start(ProxyFault fault) => new(fault);

        private async Task AcceptAsync(bool closeAtOnce)
        {
            try
            {
                while (true)
                {
                    var client = await _listener!.AcceptTcpClientAsync(_stop.Token);
                    if (closeAtOnce)
                        client.Dispose();
                    else
                        lock (_held) _held.Add(client);
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _accepting;
            _listener?.Stop();
            lock (_held) _held.ForEach(c => c.Dispose());
            _stop.Dispose();
        }
    }
}
