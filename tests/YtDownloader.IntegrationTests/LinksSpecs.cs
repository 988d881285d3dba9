using System.Net;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>
/// A stored video comes with two links that work for anyone who has them, on a private bucket as on the local store:
/// one the browser plays (Content-Disposition: inline), one it saves (attachment).
/// </summary>
public sealed class LinksSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task On_a_private_bucket_the_open_link_plays_inline_and_the_download_link_saves()
    {
        const string id = "linksons3aa";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        using var http = fixture.CreateClient();
        using var anonymous = new HttpClient();

        var (status, body, _) = await http.UploadAsync(new { url = id, quality = "360p" });

        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        using var plain = await anonymous.GetAsync(body.Text("s3_url"));
        plain.StatusCode.ShouldBe(HttpStatusCode.Forbidden, "the bucket is private: its plain object address is refused");
        await ShouldServeAsync(anonymous, body.Text("openUrl"), "inline", body.GetProperty("size").GetInt64());
        await ShouldServeAsync(anonymous, body.Text("downloadUrl"), "attachment", body.GetProperty("size").GetInt64());
        var job = (await http.ListJobsAsync()).First(j => j.Text("videoId") == id);
        await ShouldServeAsync(anonymous, job.GetProperty("result").Text("openUrl"), "inline", body.GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task On_the_local_store_the_open_link_plays_inline_the_download_link_saves_and_neither_can_be_turned_into_the_other()
    {
        const string id = "linkslocala";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        var folder = Directory.CreateTempSubdirectory("ytd-links-").FullName;
        await using var service = ServiceFactory.Start(new Dictionary<string, string?>
        {
            ["Youtube:Origin"] = fixture.Origin.BaseUrl.ToString(),
            ["Storage:Local:Path"] = folder,
        });
        using var http = service.CreateClient();

        var (status, body, _) = await http.UploadAsync(new { url = id, quality = "360p" });

        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        var open = body.Text("openUrl");
        var download = body.Text("downloadUrl");
        open.ShouldContain("inline=1");
        download.ShouldNotContain("inline=");
        await ShouldServeAsync(http, open, "inline", body.GetProperty("size").GetInt64());
        await ShouldServeAsync(http, download, "attachment", body.GetProperty("size").GetInt64());
        (await http.GetAsync(open.Replace("&inline=1", "", StringComparison.Ordinal))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await http.GetAsync(download + "&inline=1")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    private static async Task ShouldServeAsync(HttpClient http, string url, string disposition, long size)
    {
        using var response = await http.GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, url);
        response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe(disposition);
        response.Content.Headers.ContentDisposition.FileNameStar.ShouldEndWith("_640x360.mp4");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("video/mp4");
        (await response.Content.ReadAsByteArrayAsync()).LongLength.ShouldBe(size);
    }
}
