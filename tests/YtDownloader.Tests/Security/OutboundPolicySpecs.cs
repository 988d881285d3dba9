using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using YtDownloader.Security;
using YtDownloader.Sources.Invidious;
using YtDownloader.Sources.Youtube;

namespace YtDownloader.Tests.Security;

public sealed class OutboundPolicySpecs
{
    private static OutboundPolicy Policy(string origin = "https://www.youtube.com", params string[] instances) =>
        new(Options.Create(new YoutubeOptions { Origin = new Uri(origin) }),
            Options.Create(new InvidiousOptions { Instances = [.. instances.Select(i => new Uri(i))] }));

    [Theory]
    [InlineData("https://www.youtube.com/youtubei/v1/player")]
    [InlineData("https://rr3---sn-4g5e6nsz.googlevideo.com/videoplayback?expire=1")]
    [InlineData("https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg")]
    [InlineData("https://youtubei.googleapis.com/youtubei/v1/player")]
    [InlineData("http://192.168.1.20:3000/api/v1/videos/dQw4w9WgXcQ")]
    [InlineData("http://192.168.1.20:3000/latest_version?id=dQw4w9WgXcQ&local=true")]
    public void Sources_and_their_media_hosts_may_be_fetched(string url) =>
        Should.NotThrow(() => Policy("https://www.youtube.com", "http://192.168.1.20:3000").Check(new Uri(url)));

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://127.0.0.1/")]
    [InlineData("http://localhost:8080/api/video")]
    [InlineData("http://[::1]/")]
    [InlineData("http://10.0.0.1/")]
    [InlineData("http://192.168.1.20:3001/")] // the configured instance's host, another port
    [InlineData("https://googlevideo.com.evil.example/")]
    [InlineData("https://evilgooglevideo.com/")]
    [InlineData("https://example.com/")]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://r1.googlevideo.com/")]
    [InlineData("gopher://127.0.0.1:6379/_FLUSHALL")]
    public void Anything_else_is_refused(string url) =>
        Should.Throw<OutboundRequestRefusedException>(() => Policy("https://www.youtube.com", "http://192.168.1.20:3000").Check(new Uri(url)))
            .Message.ShouldStartWith("Refused to");

    [Fact]
    public void YouTube_hosts_are_trusted_only_when_the_origin_is_YouTube()
    {
        var mirror = Policy("http://127.0.0.1:5000");

        Should.NotThrow(() => mirror.Check(new Uri("http://127.0.0.1:5000/youtubei/v1/player")));
        Should.NotThrow(() => mirror.Check(new Uri("https://r1.googlevideo.com/videoplayback")));
        Should.Throw<OutboundRequestRefusedException>(() => mirror.Check(new Uri("https://i.ytimg.com/vi/x/hq.jpg")));
        Should.Throw<OutboundRequestRefusedException>(() => mirror.Check(new Uri("http://127.0.0.1:5001/")));
    }

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("142.250.74.14", true)]
    [InlineData("2607:f8b0:4004:c1b::5e", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.255.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.0.1", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("::", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fc00::1", false)]
    [InlineData("fd12:3456::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:169.254.169.254", false)]
    [InlineData("64:ff9b::a9fe:a9fe", false)]
    public void Only_public_addresses_count_as_public(string address, bool isPublic) =>
        OutboundPolicy.IsPublic(IPAddress.Parse(address)).ShouldBe(isPublic);
}

public sealed class ListenAddressSpecs
{
    [Theory]
    [InlineData("http://localhost:8080", true)]
    [InlineData("http://LOCALHOST:8080", true)]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("https://127.0.0.5:443", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://+:8080", false)]
    [InlineData("http://192.168.1.2:8080", false)]
    [InlineData("http://example.com:8080", false)]
    [InlineData("http://localhost.example.com:8080", false)]
    public void Only_loopback_listen_addresses_count_as_loopback(string url, bool loopback) =>
        ListenAddressValidator.IsLoopback(url).ShouldBe(loopback);

    [Fact]
    public void Every_way_of_choosing_listen_addresses_is_read()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://localhost:1;http://0.0.0.0:2",
            ["http_ports"] = "3",
            ["Kestrel:Endpoints:A:Url"] = "https://10.0.0.1:4",
        }).Build();

        ListenAddressValidator.ConfiguredListenUrls(configuration)
            .ShouldBe(["http://localhost:1", "http://0.0.0.0:2", "http://*:3", "https://10.0.0.1:4"]);
    }

    [Fact]
    public void An_empty_key_is_no_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = "http://0.0.0.0:80" }).Build();
        var validator = new ListenAddressValidator(configuration);

        validator.Validate(null, new AuthOptions { ApiKeys = ["  "] }).Failed.ShouldBeTrue();
        validator.Validate(null, new AuthOptions { ApiKeys = ["a-real-key"] }).Succeeded.ShouldBeTrue();
        validator.Validate(null, new AuthOptions { AllowAnonymous = true }).Succeeded.ShouldBeTrue();
    }
}
