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

public sealed class HostileInputSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    [Theory]
    [InlineData(100 * 1024, HttpStatusCode.RequestUriTooLong)]
    [InlineData(6 * 1024, HttpStatusCode.BadRequest)]
    public async Task A_huge_URL_gives_a_4xx(int length, HttpStatusCode expected)
    {
        using var http = fixture.CreateClient();
        var url = "https://www.youtube.com/watch?v=aaaaaaaaaaa&x=" + new string('a', length);

        using var response = await http.GetAsync($"/api/video?url={Uri.EscapeDataString(url)}");

        response.StatusCode.ShouldBe(expected);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("\"just a string\"")]
    [InlineData("""{"url":["https://youtu.be/aaaaaaaaaaa"],"quality":"720p"}""")]
    [InlineData("""{"url":"https://youtu.be/aaaaaaaaaaa","quality":720}""")]
    [InlineData("""{"url":"https://youtu.be/aaaaaaaaaaa","quality":{"height":720}}""")]
    [InlineData("""{"url":"https://youtu.be/aaaaaaaaaaa","quality":"720p","title":false}""")]
    [InlineData("""{"url":"https://youtu.be/aaaaaaaaaaa","quality":"720p"}trailing""")]
    [InlineData("""{"url":"\ud800","quality":"720p"}""")]
    [InlineData("\u00ff\u00fe garbage bytes")]
    public async Task Invalid_JSON_and_wrong_types_give_400_never_500(string json)
    {
        using var http = fixture.CreateClient();

        using var response = await http.PostAsync("/api/upload-s3", new StringContent(json, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ApiClient.ReadJsonAsync(response)).Text("detail").Length.ShouldBeGreaterThan(10);
    }

    [Fact]
    public async Task Deeply_nested_JSON_and_a_wrong_content_type_give_a_4xx()
    {
        using var http = fixture.CreateClient();
        var nested = new string('[', 5000) + new string(']', 5000);

        using var deep = await http.PostAsync("/api/upload-s3", new StringContent(nested, Encoding.UTF8, "application/json"));
        using var plain = await http.PostAsync("/api/upload-s3", new StringContent("""{"url":"aaaaaaaaaaa","quality":"720p"}""", Encoding.UTF8, "text/plain"));

        deep.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        plain.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("4320p")]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("99999999999")]
    [InlineData("720q")]
    [InlineData("1280x720x")]
    [InlineData("../../720p")]
    public async Task An_unknown_quality_gives_400(string quality)
    {
        fixture.Origin.Youtube[FakeOrigin.PlayableVideo] = YoutubeBehaviour.Playable;
        using var http = fixture.CreateClient();

        var (status, body, _) = await http.UploadAsync(new { url = FakeOrigin.PlayableVideo, quality });

        status.ShouldBe(HttpStatusCode.BadRequest, body.ToString());
        body.Text("detail").ShouldContain("is not available");
    }

    public static TheoryData<string> HostileTitles => new()
    {
        "a/b\\c/../../etc/passwd",
        "..",
        "\u202Egnp.exe\u202C right-to-left \u200F\u061C",
        "emoji \U0001F3AC\U0001F525\U0001F468\u200D\U0001F469\u200D\U0001F467 split",
        string.Concat(Enumerable.Repeat("Long title / with \\ separators .. and \U0001F3AC ", 25))[..1000],
    };

    [Theory]
    [MemberData(nameof(HostileTitles))]
    public async Task A_hostile_title_keeps_the_object_key_safe_and_travels_intact_in_the_metadata_as_far_as_S3_allows(string title)
    {
        const string id = "hostiletitl";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        using var http = fixture.CreateClient();

        var (status, body, _) = await http.UploadAsync(new { url = id, quality = "360p", title });

        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        var key = body.Text("key");
        key.ShouldMatch(@"^youtube/hostiletitl/[\p{L}\p{N}-]{1,80}_640x360\.mp4$");
        var metadata = await fixture.S3.Client.GetObjectMetadataAsync(fixture.S3.Bucket, key);
        var stored = metadata.Metadata["x-amz-meta-title"];
        // Cut at 1 KiB of percent-encoded text (AWS allows 2 KB of metadata in all); control characters are refused (RequestTextSpecs).
        stored.Length.ShouldBeLessThanOrEqualTo(1024);
        if (Uri.EscapeDataString(title.Trim()).Length <= 1024)
            Uri.UnescapeDataString(stored).ShouldBe(title.Trim());
        else
            title.Trim().ShouldStartWith(Uri.UnescapeDataString(stored));
    }
}
