using System.Net;
using System.Net.Http.Headers;
using System.Text;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

public sealed class LimitsSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Metadata_requests_beyond_the_limit_get_429_with_Retry_After_counted_per_key()
    {
        fixture.Origin.Youtube[FakeOrigin.PlayableVideo] = YoutubeBehaviour.Playable;
        await using var service = StartServiceWith(new()
        {
            ["Limits:MetadataRequests"] = "3",
            ["Auth:ApiKeys:0"] = "first-key-of-the-limits-specs",
            ["Auth:ApiKeys:1"] = "second-key-of-the-limits-specs",
        });
        using var first = Client(service, "first-key-of-the-limits-specs");
        using var second = Client(service, "second-key-of-the-limits-specs");

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 5; i++)
        {
            var response = await first.GetAsync($"/api/video?url={FakeOrigin.PlayableVideo}");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                refused = response;
        }

        statuses.ShouldBe([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests]);
        refused!.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeInRange(1, 60);
        refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await ApiClient.ReadJsonAsync(refused)).Text("detail").ShouldContain("Too many requests");
        (await second.GetAsync($"/api/video?url={FakeOrigin.PlayableVideo}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Downloads_have_their_own_limit_per_client()
    {
        await using var service = StartServiceWith(new() { ["Limits:JobRequests"] = "2" });
        using var http = service.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            statuses.Add((await http.UploadAsync(new { url = "not a link", quality = "720p" })).Status);

        statuses.ShouldBe([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests]);
        (await http.GetAsync("/api/video")).StatusCode.ShouldBe(HttpStatusCode.BadRequest, "metadata has its own budget");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_request_body_over_16_KiB_gives_413(bool announcesLength)
    {
        using var http = fixture.CreateClient();
        var json = $$"""{"url":"https://youtu.be/aaaaaaaaaaa","quality":"720p","title":"{{new string('x', 20 * 1024)}}"}""";
        HttpContent content = announcesLength
            ? new StringContent(json, Encoding.UTF8, "application/json")
            : new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        if (!announcesLength)
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await http.PostAsync("/api/upload-s3", content);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await ApiClient.ReadJsonAsync(response)).Text("detail").ShouldContain("too large", Case.Insensitive);
    }

    [Theory]
    [InlineData("Limits:MaxBytes", "100000", "MB")]
    [InlineData("Limits:MaxDurationMinutes", "0.02", "lasts")]
    public async Task A_video_over_the_limits_gives_422_before_anything_is_downloaded(string setting, string value, string mentioned)
    {
        var id = setting.EndsWith("Bytes", StringComparison.Ordinal) ? "toolargebig" : "toolonglong";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        await using var service = StartServiceWith(new() { [setting] = value });
        using var http = service.CreateClient();
        var mediaRequests = fixture.Origin.CountRequests("GET /media/");

        var (status, body, contentType) = await http.UploadAsync(new { url = id, quality = "1080p" });

        status.ShouldBe(HttpStatusCode.UnprocessableEntity, body.ToString());
        contentType.ShouldBe("application/problem+json");
        body.Text("detail").ShouldContain(mentioned);
        body.Text("detail").ShouldContain(setting.Replace(":", "__", StringComparison.Ordinal));
        fixture.Origin.CountRequests("GET /media/").ShouldBe(mediaRequests);
        (await fixture.S3.ListOpenUploadsAsync()).ShouldBeEmpty();
    }

    private static HttpClient Client(ServiceFactory service, string key)
    {
        var http = service.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private ServiceFactory StartServiceWith(Dictionary<string, string?> overrides)
    {
        var settings = ServiceFactory.S3Settings(fixture.Origin, fixture.S3);
        foreach (var (key, value) in overrides)
            settings[key] = value;
        return ServiceFactory.Start(settings);
    }
}
