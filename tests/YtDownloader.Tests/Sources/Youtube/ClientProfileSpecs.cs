using Microsoft.Extensions.Options;
using YtDownloader.Sources;
using YtDownloader.Sources.Youtube;
using YtDownloader.Sources.Youtube.Clients;

namespace YtDownloader.Tests.Sources.Youtube;

public sealed class ClientProfileSpecs : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ytd-profiles-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Theory]
    [InlineData("visionos", "VISIONOS", "1.02", 101, false, false, "none")]
    [InlineData("web_embedded", "WEB_EMBEDDED_PLAYER", "2.20260708.00.00", 56, true, true, "none")]
    [InlineData("tv", "TVHTML5", "7.20260707.07.00", 7, true, true, "none")]
    [InlineData("tv_downgraded", "TVHTML5", "5.20260707", 7, true, true, "none")]
    [InlineData("web", "WEB", "2.20260708.00.00", 1, true, true, "gvs-for-https")]
    [InlineData("android_vr", "ANDROID_VR", "1.65.10", 28, false, false, "gvs-for-https")]
    public void The_built_in_profiles_are_the_clients_of_late_2026(
        string name, string clientName, string version, int id, bool needsPlayerJs, bool takesCookies, string poToken)
    {
        var profile = ClientProfileSet.Load(null)[name];

        (profile.ClientName, profile.ClientVersion, profile.ClientId).ShouldBe((clientName, version, id));
        profile.NeedsPlayerJs.ShouldBe(needsPlayerJs);
        profile.TakesCookies.ShouldBe(takesCookies);
        profile.PoToken.ShouldBe(poToken == "none" ? PoTokenPolicy.None : PoTokenPolicy.GvsForHttps);
        profile.UserAgent.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void The_embedded_player_claims_a_page_that_is_not_YouTube_and_visionos_sends_its_device()
    {
        var profiles = ClientProfileSet.Load(null);

        profiles["web_embedded"].EmbedUrl.ShouldBe(new Uri("https://www.reddit.com/"));
        profiles["web_embedded"].SapisidHash.ShouldBeTrue();
        profiles["tv"].SapisidHash.ShouldBeFalse();
        var visionos = profiles["visionos"].Context;
        visionos["deviceMake"].GetString().ShouldBe("Apple");
        visionos["deviceModel"].GetString().ShouldBe("RealityDevice17,1");
        visionos["osName"].GetString().ShouldBe("visionOS");
        visionos["osVersion"].GetString().ShouldBe("26.5.23O471");
        profiles["android_vr"].Context["androidSdkVersion"].GetInt32().ShouldBe(32);
    }

    [Fact]
    public void A_file_entry_with_a_known_name_replaces_only_the_fields_it_gives()
    {
        var path = Write("""[{"name": "visionos", "clientVersion": "1.03"}]""");

        var visionos = ClientProfileSet.Load(path)["visionos"];

        visionos.ClientVersion.ShouldBe("1.03");
        visionos.ClientName.ShouldBe("VISIONOS");
        visionos.ClientId.ShouldBe(101);
    }

    [Fact]
    public void A_file_entry_with_a_new_name_adds_a_profile()
    {
        var path = Write("""
            // comments are allowed
            [{"name": "web_safari", "clientName": "WEB", "clientVersion": "2.20260708.00.00", "clientId": 1,
              "userAgent": "Safari", "needsPlayerJs": true, "takesCookies": true, "sapisidHash": true, "poToken": "gvs-for-https"}]
            """);

        var profiles = ClientProfileSet.Load(path);

        profiles["web_safari"].PoToken.ShouldBe(PoTokenPolicy.GvsForHttps);
        profiles["web_safari"].TransformsN.ShouldBeTrue();
        profiles.Profiles.Count.ShouldBe(7);
    }

    [Theory]
    [InlineData("{}", "must be a JSON array")]
    [InlineData("[1]", "entry 0 is not a JSON object")]
    [InlineData("""[{"clientVersion": "1"}]""", "entry 0 has no \"name\"")]
    [InlineData("""[{"name": "visionos", "clientVersoin": "1.03"}]""", "clientVersoin")]
    [InlineData("""[{"name": "visionos", "poToken": "sometimes"}]""", "visionos")]
    [InlineData("""[{"name": "visionos", "clientId": "one"}]""", "visionos")]
    [InlineData("""[{"name": "visionos", "clientId": 0}]""", "clientId must be a positive number")]
    [InlineData("""[{"name": "visionos", "embedUrl": "not a url"}]""", "embedUrl must be an absolute http(s) URL")]
    [InlineData("""[{"name": "visionos", "sapisidHash": true}]""", "needs takesCookies")]
    [InlineData("""[{"name": "new_client", "clientName": "NEW"}]""", "missing clientVersion, clientId, userAgent, needsPlayerJs, takesCookies, poToken")]
    [InlineData("""[{"name": "visionos" """, "is not valid JSON")]
    public void A_wrong_profile_file_is_refused_with_its_reason(string json, string reason)
    {
        var error = Should.Throw<ClientProfileException>(() => ClientProfileSet.Load(Write(json)));

        error.Message.ShouldContain(reason);
    }

    [Fact]
    public void A_missing_profile_file_is_refused()
    {
        var error = Should.Throw<ClientProfileException>(() => ClientProfileSet.Load(Path.Combine(_folder.FullName, "nope.json")));

        error.Message.ShouldContain("cannot be read");
    }

    public static TheoryData<bool, bool, string[]> DefaultOrders() => new()
    {
        { false, false, ["visionos", "web_embedded", "tv"] },
        { false, true, ["visionos", "web_embedded", "tv", "web"] },
        { true, false, ["web_embedded", "tv_downgraded"] },
        { true, true, ["web_embedded", "tv_downgraded", "web"] },
    };

    [Theory]
    [MemberData(nameof(DefaultOrders))]
    public void The_default_order_is_yt_dlps_with_web_only_when_a_token_can_be_had(bool cookies, bool provider, string[] expected)
    {
        var options = new YoutubeOptions
        {
            CookiesFile = cookies ? "cookies.txt" : null,
            PoTokenProvider = provider ? new Uri("http://127.0.0.1:4416") : null,
        };

        var order = new ClientOrder(Options.Create(options), ClientProfileSet.Load(null));

        order.Clients.Select(c => c.Name).ShouldBe(expected);
        order.Clients.ShouldNotContain(c => c.Name == "android_vr");
        (order.PoTokenProbe?.Name).ShouldBe(provider ? null : "web");
    }

    [Fact]
    public void Youtube_Clients_sets_the_order()
    {
        var options = new YoutubeOptions { Clients = ["tv", "visionos"] };

        new ClientOrder(Options.Create(options), ClientProfileSet.Load(null)).Clients.Select(c => c.Name).ShouldBe(["tv", "visionos"]);
    }

    [Theory]
    [InlineData("ios", "no known client profile")]
    [InlineData("android_vr", "Youtube:PoTokenProvider")]
    public void An_unknown_client_or_one_that_needs_a_missing_token_provider_is_refused(string name, string reason)
    {
        var options = new YoutubeOptions { Clients = ["visionos", name] };

        var error = Should.Throw<ClientProfileException>(() => ClientOrder.Resolve(options, ClientProfileSet.Load(null)));

        error.Message.ShouldContain(name);
        error.Message.ShouldContain(reason);
    }

    private string Write(string json)
    {
        var path = Path.Combine(_folder.FullName, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
