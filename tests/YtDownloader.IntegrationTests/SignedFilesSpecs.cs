using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>
/// A keyed instance storing into its local folder: its videos are served by signed, expiring links only, which
/// need no key (the page's links work) and give nothing, not even whether a video exists, to whoever has none.
/// </summary>
public sealed class SignedFilesSpecs(SignedFilesSpecs.KeyedLocalFixture fixture) : IClassFixture<SignedFilesSpecs.KeyedLocalFixture>
{
    private const string Key = "k3y-for-the-signed-files-specs-0123456789";

    public sealed class KeyedLocalFixture : IAsyncLifetime
    {
        public TestMedia Media { get; } = new();
        public FakeOrigin Origin { get; private set; } = null!;
        public string Folder { get; } = Directory.CreateTempSubdirectory("ytd-signed-").FullName;
        public ServiceFactory Service { get; private set; } = null!;

        /// <summary>The answer to one upload of the playable video at 360p, made once for the class.</summary>
        public (string Key, Uri DownloadUrl) Stored { get; private set; }

        public Dictionary<string, string?> Settings() => new()
        {
            ["Youtube:Origin"] = Origin.BaseUrl.ToString(),
            ["Storage:Local:Path"] = Folder,
            ["Auth:ApiKeys:0"] = Key,
        };

        public async ValueTask InitializeAsync()
        {
            await Media.InitializeAsync();
            Origin = new FakeOrigin(Media);
            await Origin.InitializeAsync();
            Origin.Youtube[FakeOrigin.PlayableVideo] = YoutubeBehaviour.Playable;
            Service = ServiceFactory.Start(Settings());
            using var http = CreateClient(Service);
            var (status, body, _) = await http.UploadAsync(new { url = FakeOrigin.PlayableVideo, quality = "360p" });
            status.ShouldBe(HttpStatusCode.OK, body.ToString());
            Stored = (body.Text("key"), new Uri(body.Text("downloadUrl")));
        }

        public static HttpClient CreateClient(ServiceFactory service)
        {
            var http = service.CreateClient();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            return http;
        }

        public async ValueTask DisposeAsync()
        {
            await Service.DisposeAsync();
            await Origin.DisposeAsync();
            await Media.DisposeAsync();
            Directory.Delete(Folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_stored_video_is_served_by_its_signed_link_without_a_key_and_HEAD_answers_with_the_same_headers()
    {
        using var anonymous = fixture.Service.CreateClient();
        fixture.Stored.DownloadUrl.Query.ShouldContain("expires=");
        fixture.Stored.DownloadUrl.Query.ShouldContain("signature=");

        using var get = await anonymous.GetAsync(fixture.Stored.DownloadUrl);
        using var head = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, fixture.Stored.DownloadUrl));

        get.StatusCode.ShouldBe(HttpStatusCode.OK);
        var served = Path.Combine(Directory.CreateTempSubdirectory("ytd-signed-").FullName, "served.mp4");
        await File.WriteAllBytesAsync(served, await get.Content.ReadAsByteArrayAsync());
        (await Ffprobe.MediaHashAsync(served)).ShouldBe(await Ffprobe.MediaHashAsync(fixture.Media.Muxed360.Path));
        head.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await head.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
        foreach (var name in (string[])["Content-Length", "Content-Type", "Content-Disposition", "Last-Modified", "ETag", "Accept-Ranges"])
            Header(head, name).ShouldBe(Header(get, name), name);
        Header(head, "Content-Length").ShouldBe(new FileInfo(served).Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public static TheoryData<string> ForgedLinks => new()
    {
        "{path}",
        "{path}?expires={expires}",
        "{path}?signature={signature}",
        "{path}?expires={expires}&signature=AAAA{signature}",
        "{path}?expires={expires}1&signature={signature}",
        "{path}?expires=-1&signature={signature}",
        "{path}?expires={expires}&signature=not*base64",
        "/files/youtube/{video}/Another-title_640x360.mp4?expires={expires}&signature={signature}",
        "/files/youtube/nothing-here/video_640x360.mp4?expires={expires}&signature={signature}",
    };

    [Theory]
    [MemberData(nameof(ForgedLinks))]
    public async Task A_link_without_its_genuine_signature_is_refused_alike_whether_the_file_exists_or_not(string forged)
    {
        var query = System.Web.HttpUtility.ParseQueryString(fixture.Stored.DownloadUrl.Query);
        var url = forged.Replace("{path}", fixture.Stored.DownloadUrl.AbsolutePath, StringComparison.Ordinal)
            .Replace("{video}", FakeOrigin.PlayableVideo, StringComparison.Ordinal)
            .Replace("{expires}", query["expires"], StringComparison.Ordinal)
            .Replace("{signature}", query["signature"], StringComparison.Ordinal);
        using var anonymous = fixture.Service.CreateClient();
        using var keyed = KeyedLocalFixture.CreateClient(fixture.Service);
        var files = FilesInStore();

        using var response = await anonymous.GetAsync(url);
        using var withKey = await keyed.GetAsync(url);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        withKey.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ApiClient.ReadJsonAsync(response)).Text("detail").ShouldStartWith("This link is not valid");
        FilesInStore().ShouldBe(files);
    }

    [Fact]
    public async Task An_expired_link_is_refused_and_says_so()
    {
        var expired = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var anonymous = fixture.Service.CreateClient();

        using var response = await anonymous.GetAsync(SignedPath(fixture.Stored.Key, expired));

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ApiClient.ReadJsonAsync(response)).Text("detail").ShouldContain("expired");
    }

    // Dot segments never reach the service (the client and Kestrel remove them, LocalStoreSpecs sends them anyway):
    // what a genuine signature could still name is a file of the store's own, or a key made up.
    [Theory]
    [InlineData(".link-secret")]
    [InlineData("youtube/.link-secret")]
    [InlineData("{stored}.meta.json")]
    [InlineData("{stored}.0123456789abcdef0123456789abcdef.partial")]
    [InlineData("youtube/nothing-here.mp4")]
    public async Task Even_a_genuinely_signed_link_reaches_nothing_but_complete_videos_inside_the_store(string key)
    {
        key = key.Replace("{stored}", fixture.Stored.Key, StringComparison.Ordinal);
        var expires = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var anonymous = fixture.Service.CreateClient();

        using var response = await anonymous.GetAsync(SignedPath(key, expires));

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).ShouldNotContain(await File.ReadAllTextAsync(Path.Combine(fixture.Folder, ".link-secret")));
    }

    [Theory]
    [InlineData("/files")]
    [InlineData("/files/")]
    public async Task The_files_route_itself_is_not_found(string path)
    {
        using var anonymous = fixture.Service.CreateClient();

        using var response = await anonymous.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Links_survive_a_restart_and_a_reused_object_comes_with_a_fresh_link()
    {
        var settings = fixture.Settings();
        settings["Jobs:DatabasePath"] = Path.Combine(fixture.Folder, "restarted-jobs.db");
        await using var restarted = ServiceFactory.Start(settings);
        using var anonymous = restarted.CreateClient();
        using var keyed = KeyedLocalFixture.CreateClient(restarted);

        using var old = await anonymous.GetAsync(fixture.Stored.DownloadUrl.PathAndQuery);
        var (status, reused, _) = await keyed.UploadAsync(new { url = FakeOrigin.PlayableVideo, quality = "360p" });

        old.StatusCode.ShouldBe(HttpStatusCode.OK);
        status.ShouldBe(HttpStatusCode.OK);
        reused.Text("key").ShouldBe(fixture.Stored.Key);
        using var fresh = await anonymous.GetAsync(new Uri(reused.Text("downloadUrl")).PathAndQuery);
        fresh.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>A link as the service signs it, with the secret it keeps beside the files.</summary>
    private string SignedPath(string key, string expires)
    {
        var secret = Encoding.UTF8.GetBytes(File.ReadAllText(Path.Combine(fixture.Folder, ".link-secret")).Trim());
        var signature = Base64Url.EncodeToString(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes($"{key}\n{expires}")));
        var path = string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        return $"/files/{path}?expires={expires}&signature={signature}";
    }

    private List<string> FilesInStore() => Directory.EnumerateFiles(fixture.Folder, "*", SearchOption.AllDirectories).Order().ToList();

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : "(missing)";
}
