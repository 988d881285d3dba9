using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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
        fixture.Origin.Youtube[FakeOrigin.PlayableVideo] = YoutubeBehaviour.Playable;
        await using var service = StartServiceWith(new() { ["Limits:JobRequests"] = "1", ["Limits:MetadataRequests"] = "5" });
        using var http = service.CreateClient();

        var first = (await http.UploadAsync(new { url = FakeOrigin.PlayableVideo, quality = "360p" })).Status;
        var second = (await http.UploadAsync(new { url = FakeOrigin.PlayableVideo, quality = "360p" })).Status;

        (first, second).ShouldBe((HttpStatusCode.OK, HttpStatusCode.TooManyRequests));
        (await http.GetAsync($"/api/video?url={FakeOrigin.PlayableVideo}")).StatusCode.ShouldBe(HttpStatusCode.OK, "metadata has its own budget");
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
    [InlineData("Limits:MaxBytes", "100000", "Video too large", "over this server's 100 kB limit: choose a lower quality.")]
    [InlineData("Limits:MaxDurationMinutes", "0.02", "Video too long", "; this server takes videos up to 1 s.")]
    public async Task A_video_over_the_limits_gives_422_before_anything_is_downloaded_and_names_the_setting_only_in_the_log(
        string setting, string value, string title, string detailEnd)
    {
        var id = setting.EndsWith("Bytes", StringComparison.Ordinal) ? "toolargebig" : "toolonglong";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        var logs = new CapturingLoggerProvider();
        await using var service = StartServiceWith(new() { [setting] = value }, logs);
        using var http = service.CreateClient();
        var mediaRequests = fixture.Origin.CountRequests("GET /media/");

        var (status, body, contentType) = await http.UploadAsync(new { url = id, quality = "1080p" });

        status.ShouldBe(HttpStatusCode.UnprocessableEntity, body.ToString());
        contentType.ShouldBe("application/problem+json");
        body.Text("title").ShouldBe(title);
        body.Text("detail").ShouldEndWith(detailEnd);
        body.Text("detail").ShouldNotContain("Limits");
        logs.Lines.ShouldContain(l => l.Contains(setting.Replace(":", "__", StringComparison.Ordinal)) && l.Contains(id));
        fixture.Origin.CountRequests("GET /media/").ShouldBe(mediaRequests);
        (await fixture.S3.ListOpenUploadsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Qualities_over_the_size_limit_are_offered_as_unavailable_with_the_reason()
    {
        const string id = "sizelimit01";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        using var probe = fixture.CreateClient();
        var sizes = (await probe.GetVideoAsync(id)).Body.GetProperty("formats").EnumerateArray()
            .Select(f => f.GetProperty("filesize").GetInt64()).Order().ToList();
        // Between the two smallest qualities: the smallest fits, every larger one does not.
        var limit = (sizes[0] + sizes[1]) / 2;
        await using var service = StartServiceWith(new() { ["Limits:MaxBytes"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var http = service.CreateClient();

        var (status, video, _) = await http.GetVideoAsync(id);

        status.ShouldBe(HttpStatusCode.OK, video.ToString());
        video.GetProperty("unavailable").ValueKind.ShouldBe(JsonValueKind.Null);
        var formats = video.GetProperty("formats").EnumerateArray().ToList();
        formats.Where(f => f.GetProperty("filesize").GetInt64() <= limit).ShouldAllBe(f => f.GetProperty("unavailable").ValueKind == JsonValueKind.Null);
        var over = formats.Where(f => f.GetProperty("filesize").GetInt64() > limit).ToList();
        over.ShouldNotBeEmpty();
        over.ShouldAllBe(f => f.GetProperty("unavailable").GetString()!.EndsWith(": over this server's " + LimitText(limit) + " limit"));
        video.GetProperty("audio").EnumerateArray().ShouldContain(a => a.GetProperty("unavailable").ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task A_video_over_the_duration_limit_says_so_and_every_choice_with_it()
    {
        const string id = "durlimit001";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        await using var service = StartServiceWith(new() { ["Limits:MaxDurationMinutes"] = "0.02" });
        using var http = service.CreateClient();

        var (status, video, _) = await http.GetVideoAsync(id);

        status.ShouldBe(HttpStatusCode.OK, video.ToString());
        var reason = video.Text("unavailable");
        reason.ShouldMatch(@"^This video is \d+ s long; this server takes videos up to 1 s\.$");
        video.GetProperty("formats").EnumerateArray().ShouldAllBe(f => f.GetProperty("unavailable").GetString() == reason);
        video.GetProperty("audio").EnumerateArray().ShouldAllBe(a => a.GetProperty("unavailable").GetString() == reason);
    }

    /// <summary>The limit as the service words it: decimal units, one decimal at most.</summary>
    private static string LimitText(long bytes) => bytes >= 1_000_000
        ? $"{(bytes / 1e6).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} MB"
        : $"{(bytes / 1e3).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} kB";

    private static HttpClient Client(ServiceFactory service, string key)
    {
        var http = service.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private ServiceFactory StartServiceWith(Dictionary<string, string?> overrides, CapturingLoggerProvider? logs = null)
    {
        var settings = ServiceFactory.S3Settings(fixture.Origin, fixture.S3);
        foreach (var (key, value) in overrides)
            settings[key] = value;
        return logs is null
            ? ServiceFactory.Start(settings)
            : ServiceFactory.Start(settings, builder => builder.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(logs)));
    }
}
