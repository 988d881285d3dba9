using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>
/// YouTube as it answers in late 2026, client by client, through the real API, ffmpeg and S3: what plays ends as an
/// H.264/AAC MP4 in the bucket, what cannot ends as a 422 that says what to configure (the bot check, which passes, as a 503).
/// </summary>
public sealed class YoutubeClientsSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>, IDisposable
{
    private const string Sapisid = "sapisid-secret-4c1d2e9f";
    private const string LoginInfo = "login-info-secret-77aa01";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ytd-clients-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Logged_out_VISIONOS_is_asked_first_and_its_direct_URLs_are_stored_without_the_player_JavaScript()
    {
        const string id = "visionosok1";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        using var http = fixture.CreateClient();

        var key = await StoredMp4Async(http, id);

        key.ShouldContain(id);
        AskedClients(id).ShouldBe(["VISIONOS"]);
        fixture.Origin.PlayerRequests.Where(r => r.VideoId == id).ShouldAllBe(r => r.ClientVersion == "1.02" && r.Cookie == null);
    }

    [Fact]
    public async Task A_video_VISIONOS_cannot_play_is_stored_through_the_embedded_player_with_the_2026_player_solving_signature_and_n()
    {
        const string id = "notvisions1";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.NotOnVisionos;
        using var http = fixture.CreateClient();

        await StoredMp4Async(http, id);

        AskedClients(id).ShouldBe(["VISIONOS", "WEB_EMBEDDED_PLAYER"]);
        fixture.Origin.PlayerRequests.Last(r => r.VideoId == id).SignatureTimestamp.ShouldBe("20472");
    }

    [Fact]
    public async Task The_bot_check_is_a_503_with_Retry_After_that_says_it_passes_names_what_helps_and_lists_each_client()
    {
        const string id = "botcheck26a";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.NeedsCookies;
        using var http = fixture.CreateClient();

        using var response = await http.PostAsJsonAsync("/api/upload-s3", new { url = id, quality = "720p" });
        var body = await ApiClient.ReadJsonAsync(response);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, body.ToString());
        response.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeGreaterThan(0);
        body.Text("title").ShouldBe("YouTube is asking this server to prove it is not a bot");
        var detail = body.Text("detail");
        detail.ShouldContain("refused this server's address");
        detail.ShouldContain("This is usually temporary");
        detail.ShouldContain("Youtube__CookiesFile");
        detail.ShouldContain("Youtube__PoTokenProvider");
        detail.ShouldContain("proxy");
        detail.ShouldContain("visionos (VISIONOS 1.02): LOGIN_REQUIRED: Sign in to confirm you\u2019re not a bot");
        detail.ShouldContain("web_embedded (WEB_EMBEDDED_PLAYER");
        detail.ShouldContain("tv (TVHTML5 7.20260707.07.00)");
        var tried = body.GetProperty("tried").EnumerateArray().ToList();
        tried.Select(t => t.GetProperty("client").ValueKind == JsonValueKind.String ? t.Text("client") : null)
            .ShouldContain("visionos (VISIONOS 1.02)");
        tried.ShouldContain(t => t.Text("source").StartsWith("Invidious"));
    }

    [Fact]
    public async Task A_video_only_the_web_client_plays_says_so_and_names_the_PO_token_provider_setting()
    {
        const string id = "onlyweb26aa";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.OnlyWeb;
        using var http = fixture.CreateClient();

        var (status, body, _) = await http.UploadAsync(new { url = id, quality = "720p" });

        status.ShouldBe(HttpStatusCode.UnprocessableEntity, body.ToString());
        body.Text("detail").ShouldContain("Only YouTube's WEB client plays this video");
        body.Text("detail").ShouldContain("Youtube__PoTokenProvider");
        body.Text("detail").ShouldContain("Playback on other websites has been disabled");
        fixture.Origin.PoTokenRequests.ShouldNotContain(id);
    }

    [Fact]
    public async Task With_a_PO_token_provider_a_video_only_the_web_client_plays_is_stored_with_the_token_on_its_media()
    {
        const string id = "onlyweb26bb";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.OnlyWeb;
        await using var service = Start(("Youtube:PoTokenProvider", fixture.Origin.BaseUrl.ToString()));
        using var http = service.CreateClient();

        await StoredMp4Async(http, id);

        AskedClients(id).ShouldBe(["VISIONOS", "WEB_EMBEDDED_PLAYER", "TVHTML5", "WEB"]);
        fixture.Origin.PoTokenRequests.Count(v => v == id).ShouldBe(1, "one token per video, cached until it expires");
    }

    [Fact]
    public async Task With_cookies_a_video_that_needs_them_is_stored_and_the_cookies_go_only_to_YouTube_with_clients_that_take_them()
    {
        const string id = "needscook1a";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.NeedsCookies;
        fixture.Origin.SignedInSapisid = Sapisid;
        var logs = new CapturingLoggerProvider();
        var cookies = WriteCookies(Sapisid);
        var before = fixture.Origin.RequestsWithCookies.Count;

        await using (var service = Start(logs, ("Youtube:CookiesFile", cookies)))
        {
            using var http = service.CreateClient();
            await StoredMp4Async(http, id);
        }

        var asked = fixture.Origin.PlayerRequests.Where(r => r.VideoId == id).ToList();
        asked.Select(r => r.ClientName).ShouldBe(["WEB_EMBEDDED_PLAYER"]);
        asked[0].Cookie!.ShouldContain($"SAPISID={Sapisid}");
        asked[0].Cookie!.ShouldContain($"LOGIN_INFO={LoginInfo}");
        asked[0].Cookie!.ShouldNotContain("google-only");
        asked[0].Authorization!.ShouldStartWith("SAPISIDHASH ");
        // Media, the player JavaScript, Invidious: none of them got a cookie.
        fixture.Origin.RequestsWithCookies.Skip(before).ShouldAllBe(r => r == "POST /youtubei/v1/player");
        logs.Lines.ShouldNotBeEmpty();
        logs.Lines.ShouldNotContain(l => l.Contains(Sapisid) || l.Contains(LoginInfo));
        logs.Lines.ShouldContain(l => l.StartsWith("Trace"), "the check must have seen Trace-level lines");
    }

    [Fact]
    public async Task Clients_that_take_no_cookies_never_get_them_and_a_changed_cookies_file_is_picked_up()
    {
        const string first = "cookiechg1a", second = "cookiechg1b";
        fixture.Origin.Youtube[first] = YoutubeBehaviour.NeedsCookies;
        fixture.Origin.Youtube[second] = YoutubeBehaviour.NeedsCookies;
        var cookies = WriteCookies("old-sapisid-value");
        await using var service = Start(("Youtube:CookiesFile", cookies), ("Youtube:Clients:0", "visionos"), ("Youtube:Clients:1", "tv"));
        using var http = service.CreateClient();

        fixture.Origin.SignedInSapisid = "new-sapisid-value";
        (await http.GetVideoAsync(first)).Status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        File.WriteAllText(cookies, CookiesText("new-sapisid-value"));
        File.SetLastWriteTimeUtc(cookies, DateTime.UtcNow.AddSeconds(5));
        (await http.GetVideoAsync(second)).Status.ShouldBe(HttpStatusCode.OK);

        var asked = fixture.Origin.PlayerRequests.Where(r => r.VideoId is first or second).ToList();
        asked.Where(r => r.ClientName == "VISIONOS").ShouldAllBe(r => r.Cookie == null);
        asked.Single(r => r.VideoId == first && r.ClientName == "TVHTML5").Cookie!.ShouldContain("SAPISID=old-sapisid-value");
        asked.Single(r => r.VideoId == second && r.ClientName == "TVHTML5").Cookie!.ShouldContain("SAPISID=new-sapisid-value");
        // TV clients send the cookies alone.
        asked.Where(r => r.ClientName == "TVHTML5").ShouldAllBe(r => r.Authorization == null);
    }

    [Fact]
    public async Task A_profile_file_that_overrides_a_clients_version_is_used()
    {
        const string id = "profilever1";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        var profiles = Path.Combine(_folder.FullName, "profiles.json");
        File.WriteAllText(profiles, """[{"name": "visionos", "clientVersion": "1.04"}]""");
        await using var service = Start(("Youtube:ClientProfiles", profiles));
        using var http = service.CreateClient();

        (await http.GetVideoAsync(id)).Status.ShouldBe(HttpStatusCode.OK);

        fixture.Origin.PlayerRequests.Where(r => r.VideoId == id).Select(r => (r.ClientName, r.ClientVersion)).ShouldBe([("VISIONOS", "1.04")]);
    }

    [Fact]
    public async Task ANDROID_VR_media_is_refused_without_a_token()
    {
        const string id = "androidvr1a";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        // Told, wrongly, that its streams need no token.
        var profiles = Path.Combine(_folder.FullName, "android.json");
        File.WriteAllText(profiles, """[{"name": "android_vr", "poToken": "none"}]""");
        await using var service = Start(("Youtube:ClientProfiles", profiles), ("Youtube:Clients:0", "android_vr"), ("Pipeline:MaxRetries", "0"));
        using var http = service.CreateClient();

        var (status, body, _) = await http.UploadAsync(new { url = id, quality = "720p" });

        status.ShouldBe(HttpStatusCode.BadGateway, body.ToString());
        body.Text("detail").ShouldContain("403");
        AskedClients(id).ShouldBe(["ANDROID_VR"]);
    }

    private async Task<string> StoredMp4Async(HttpClient http, string id)
    {
        var (status, body, _) = await http.UploadAsync(new { url = id, quality = "720p" });
        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        var path = await fixture.S3.DownloadAsync(body.Text("key"), _folder.CreateSubdirectory(id).FullName);
        var probe = await Ffprobe.ProbeAsync(path);
        probe.Video.CodecName.ShouldBe("h264");
        probe.Audio.CodecName.ShouldBe("aac");
        (probe.Video.Width, probe.Video.Height).ShouldBe((1280, 720));
        return body.Text("key");
    }

    private List<string> AskedClients(string id) =>
        fixture.Origin.PlayerRequests.Where(r => r.VideoId == id).Select(r => r.ClientName).ToList();

    private string WriteCookies(string sapisid)
    {
        var path = Path.Combine(_folder.FullName, $"cookies-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, CookiesText(sapisid));
        return path;
    }

    private static string CookiesText(string sapisid) => $"""
        # Netscape HTTP Cookie File
        .youtube.com	TRUE	/	TRUE	1999999999	SAPISID	{sapisid}
        #HttpOnly_.youtube.com	TRUE	/	TRUE	1999999999	LOGIN_INFO	{LoginInfo}
        .google.com	TRUE	/	TRUE	1999999999	SID	google-only

        """;

    private ServiceFactory Start(params (string Key, string Value)[] extra) => Start(null, extra);

    private ServiceFactory Start(CapturingLoggerProvider? logs, params (string Key, string Value)[] extra)
    {
        var settings = ServiceFactory.S3Settings(fixture.Origin, fixture.S3);
        foreach (var (key, value) in extra)
            settings[key] = value;
        if (logs is null)
            return ServiceFactory.Start(settings);
        foreach (var category in (string[])["Default", "Microsoft", "System", "System.Net.Http.HttpClient", "Polly"])
            settings[$"Logging:LogLevel:{category}"] = "Trace";
        return ServiceFactory.Start(settings, builder => builder.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(logs)));
    }
}
