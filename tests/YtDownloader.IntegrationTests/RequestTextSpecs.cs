using System.Net;
using System.Net.Http.Json;
using System.Text;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>
/// What the text of a request may be: JSON in UTF-8 only, query values the API names when wrong, no control
/// characters where they would be logged or stored, and a title that fits S3's metadata limit. Each refusal leaves
/// nothing behind: no request to the origin, no job, no object.
/// </summary>
public sealed class RequestTextSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private string NewVideo()
    {
        var id = $"text{Guid.NewGuid():N}"[..11];
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        return id;
    }

    private static StringContent Json(string json, string contentType)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    [Theory]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData("application/json; charset=\"UTF-8\"")]
    [InlineData("application/json; charset=Utf-8")]
    [InlineData("application/json")]
    public async Task A_body_declared_as_UTF_8_in_any_spelling_is_read(string contentType)
    {
        var video = NewVideo();
        using var http = fixture.CreateClient();

        using var response = await http.PostAsync("/api/upload-s3", Json($$"""{"url":"{{video}}","quality":"360p"}""", contentType));

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await fixture.S3.ListObjectsAsync()).ShouldContain(o => o.Key.Contains(video, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("application/json; charset=utf-7")]
    [InlineData("application/json; charset=windows-1252")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; charset=utf8")]
    [InlineData("application/json; charset=")]
    [InlineData("application/json; charset=\"\"")]
    [InlineData("application/json; charset=\"utf-8")]
    public async Task Any_other_charset_is_415_before_the_body_is_read(string contentType)
    {
        var video = NewVideo();
        var originRequests = fixture.Origin.Requests.Count;
        using var http = fixture.CreateClient();

        using var upload = await http.PostAsync("/api/upload-s3", Json($$"""{"url":"{{video}}","quality":"360p"}""", contentType));
        using var job = await http.PostAsync("/api/jobs", Json($$"""{"url":"{{video}}","quality":"360p"}""", contentType));

        upload.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        job.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        upload.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await ApiClient.ReadJsonAsync(upload)).Text("detail").ShouldContain("UTF-8");
        await NothingWasDoneForAsync(http, video, originRequests);
    }

    [Theory]
    [InlineData("/api/jobs?limit=abc", "limit")]
    [InlineData("/api/jobs?limit=1e3", "limit")]
    [InlineData("/api/jobs?limit=101", "limit")]
    [InlineData("/api/jobs?before=yesterday", "before")]
    [InlineData("/api/video?url=aaaaaaaaaaa&all=1", "all")]
    [InlineData("/api/video?url=aaaaaaaaaaa&all=yes", "all")]
    public async Task A_bad_query_value_is_400_naming_the_parameter(string path, string parameter)
    {
        var originRequests = fixture.Origin.Requests.Count;
        using var http = fixture.CreateClient();

        using var response = await http.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var detail = (await ApiClient.ReadJsonAsync(response)).Text("detail");
        detail.ShouldContain($"query parameter {parameter}");
        detail.ShouldNotContain("JSON");
        fixture.Origin.Requests.Count.ShouldBe(originRequests);
    }

    public static TheoryData<string, string, string?, string> ControlCharacters => new()
    {
        { "https://youtu.be/{video}\n", "360p", null, "url" },
        { "https://youtu.be/{video}\r\nX-Injected: yes", "360p", null, "url" },
        { "{video}\t", "360p", null, "url" },
        { "{video}", "360p\n", null, "quality" },
        { "{video}", "720p\u0000", null, "quality" },
        { "{video}", "360p", "A title\ninfo: forged log line", "title" },
        { "{video}", "360p", "A title\u2028on two lines", "title" },
        { "{video}", "360p", "Bell \u0007 and escape \u001b[31m", "title" },
        { "{video}", "360p", "C1 \u0085 next line", "title" },
    };

    [Theory]
    [MemberData(nameof(ControlCharacters))]
    public async Task A_control_character_in_any_field_is_400_naming_the_field_and_nothing_is_queued(
        string url, string quality, string? title, string field)
    {
        var video = NewVideo();
        var originRequests = fixture.Origin.Requests.Count;
        using var http = fixture.CreateClient();
        var body = new { url = url.Replace("{video}", video, StringComparison.Ordinal), quality, title };

        using var job = await http.PostAsJsonAsync("/api/jobs", body);
        var (uploadStatus, upload, _) = await http.UploadAsync(body);

        job.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ApiClient.ReadJsonAsync(job)).Text("detail").ShouldContain($"The {field} ");
        (await ApiClient.ReadJsonAsync(job)).Text("detail").ShouldContain("control character");
        uploadStatus.ShouldBe(HttpStatusCode.BadRequest);
        upload.Text("detail").ShouldContain("control character");
        await NothingWasDoneForAsync(http, video, originRequests);
    }

    [Theory]
    [InlineData("/api/video?url=aaaaaaaaaaa%0A")]
    [InlineData("/api/video?url=aaaaaaaaaaa%0D%0Ainfo%3A%20forged")]
    [InlineData("/api/jobs?before=1%00")]
    [InlineData("/api/jobs/abc%0Adef")]
    [InlineData("/api/jobs/abc%0Adef/events")]
    public async Task A_control_character_in_the_path_or_query_is_400(string path)
    {
        var originRequests = fixture.Origin.Requests.Count;
        using var http = fixture.CreateClient();

        using var response = await http.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ApiClient.ReadJsonAsync(response)).Text("detail").ShouldContain("control character");
        fixture.Origin.Requests.Count.ShouldBe(originRequests);
    }

    [Fact]
    public async Task A_title_longer_than_S3_metadata_allows_is_cut_in_the_metadata_and_kept_whole_in_the_job()
    {
        var video = NewVideo();
        var title = string.Concat(Enumerable.Repeat("Très long titre — ", 200)) + "fin";
        using var http = fixture.CreateClient();

        var (status, body, _) = await http.UploadAsync(new { url = video, quality = "360p", title });

        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        var metadata = (await fixture.S3.Client.GetObjectMetadataAsync(fixture.S3.Bucket, body.Text("key"))).Metadata;
        var stored = metadata["x-amz-meta-title"];
        stored.Length.ShouldBeLessThanOrEqualTo(1024);
        metadata.Keys.Sum(k => k.Length - "x-amz-meta-".Length + metadata[k].Length).ShouldBeLessThanOrEqualTo(2048);
        title.ShouldStartWith(Uri.UnescapeDataString(stored));
        Uri.UnescapeDataString(stored).Length.ShouldBeGreaterThan(100);
        (await http.ListJobsAsync()).Single(j => j.Text("videoId") == video).Text("title").ShouldBe(title);
    }

    /// <summary>Nothing reached the origin, no job was made for the video, nothing was stored or left open for it.</summary>
    private async Task NothingWasDoneForAsync(HttpClient http, string video, int originRequestsBefore)
    {
        fixture.Origin.Requests.Count.ShouldBe(originRequestsBefore);
        (await http.ListJobsAsync()).ShouldNotContain(j => j.Text("videoId") == video);
        (await fixture.S3.ListObjectsAsync()).ShouldNotContain(o => o.Key.Contains(video, StringComparison.Ordinal));
        (await fixture.S3.ListOpenUploadsAsync()).ShouldNotContain(u => u.Key.Contains(video, StringComparison.Ordinal));
    }
}
