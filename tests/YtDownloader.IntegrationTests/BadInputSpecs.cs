using System.Net;
using System.Text;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

public sealed class BadInputSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Asking_for_a_video_without_a_url_gives_400()
    {
        using var http = fixture.CreateClient();

        using var response = await http.GetAsync("/api/video");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await ApiClient.ReadJsonAsync(response)).Text("detail").ShouldContain("url");
    }

    [Theory]
    [InlineData("https://evil.example/watch?v=dQw4w9WgXcQ")]
    [InlineData("https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ")]
    [InlineData("evil.example/?youtube.com/watch?v=dQw4w9WgXcQ")]
    [InlineData("https://www.youtube.com/channel/UCuAXFkgsw1L7xaCfnd5JJOw")]
    [InlineData("https://www.youtube.com/playlist?list=PL590L5WQmH8fJ54F369BLDSqIwcs-TCfs")]
    [InlineData("dQw4w9WgXc")]
    public async Task A_link_that_is_not_a_YouTube_video_gives_400_and_nothing_is_fetched(string url)
    {
        using var http = fixture.CreateClient();
        var before = fixture.Origin.Requests.Count;

        var video = await http.GetVideoAsync(url);
        var upload = await http.UploadAsync(new { url, quality = "720p" });

        video.Status.ShouldBe(HttpStatusCode.BadRequest);
        video.Body.Text("detail").ShouldStartWith("Not a YouTube video link");
        upload.Status.ShouldBe(HttpStatusCode.BadRequest);
        upload.Body.GetProperty("success").GetBoolean().ShouldBeFalse();
        upload.Body.Text("error").ShouldStartWith("Not a YouTube video link");
        fixture.Origin.Requests.Count.ShouldBe(before);
    }

    [Theory]
    [InlineData("""{"quality":"720p"}""", "url")]
    [InlineData("""{"url":"https://youtu.be/aaaaaaaaaaa"}""", "quality")]
    [InlineData("""{"url":"https://youtu.be/aaaaaaaaaaa","quality":""}""", "quality")]
    [InlineData("""{"url":42,"quality":"720p"}""", "JSON")]
    [InlineData("""{"url":"https://youtu.be/aaaaaaaaaaa",""", "JSON")]
    [InlineData("not json at all", "JSON")]
    public async Task A_malformed_upload_request_gives_400_with_the_reason(string json, string mentioned)
    {
        using var http = fixture.CreateClient();

        using var response = await http.PostAsync("/api/upload-s3", new StringContent(json, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var body = await ApiClient.ReadJsonAsync(response);
        body.Text("detail").ShouldContain(mentioned);
        body.GetProperty("success").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task An_unknown_quality_gives_400_listing_the_available_ones()
    {
        fixture.Origin.Youtube[FakeOrigin.PlayableVideo] = YoutubeBehaviour.Playable;
        using var http = fixture.CreateClient();

        var (status, body, _) = await http.UploadAsync(new { url = FakeOrigin.PlayableVideo, quality = "4320p" });

        status.ShouldBe(HttpStatusCode.BadRequest);
        body.Text("detail").ShouldContain("1920x1080, 1280x720, 854x480, 640x360");
        body.GetProperty("available").EnumerateArray().Select(a => a.GetString()).ShouldBe(["1920x1080", "1280x720", "854x480", "640x360"]);
        (await fixture.S3.ListObjectsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_service_answers_health_probes_and_serves_a_page()
    {
        using var http = fixture.CreateClient();

        (await http.GetStringAsync("/healthz")).ShouldBe("Healthy");
        (await http.GetStringAsync("/")).ShouldContain("YtDownloader");
    }
}
