using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>YouTube settings that would fail on the first video stop the start, saying what is wrong.</summary>
[Collection(nameof(StartupGuardSpecs))]
public sealed class YoutubeStartupSpecs : IDisposable
{
    private const string Origin = "http://127.0.0.1:9/";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ytd-startup-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Theory]
    [InlineData("""[{"name": "visionos", "clientVersoin": "1.03"}]""", "clientVersoin")]
    [InlineData("""[{"name": "new_client", "clientName": "NEW"}]""", "Client profile \"new_client\" is missing clientVersion")]
    [InlineData("""{"visionos": {}}""", "must be a JSON array")]
    public async Task A_malformed_profile_file_stops_the_start_with_its_reason(string json, string reason)
    {
        var profiles = Path.Combine(_folder.FullName, "profiles.json");
        await File.WriteAllTextAsync(profiles, json, TestContext.Current.CancellationToken);

        var (exitCode, output) = await RunAsync(("Youtube:ClientProfiles", profiles));

        exitCode.ShouldNotBe(0);
        output.ShouldContain(reason);
    }

    [Fact]
    public async Task An_unknown_client_in_the_order_stops_the_start()
    {
        var (exitCode, output) = await RunAsync(("Youtube:Clients:0", "visionos"), ("Youtube:Clients:1", "ios_creator"));

        exitCode.ShouldNotBe(0);
        output.ShouldContain("Youtube:Clients names \"ios_creator\", which is no known client profile");
    }

    [Fact]
    public async Task A_malformed_cookies_file_stops_the_start_with_the_line_that_is_wrong_and_never_a_value()
    {
        var cookies = Path.Combine(_folder.FullName, "cookies.txt");
        await File.WriteAllTextAsync(cookies,
            "# Netscape HTTP Cookie File\n.youtube.com\tTRUE\t/\tTRUE\t1999999999\tSAPISID\tvalue-one\n.youtube.com TRUE / TRUE 0 LOGIN_INFO value-two\n",
            TestContext.Current.CancellationToken);

        var (exitCode, output) = await RunAsync(("Youtube:CookiesFile", cookies));

        exitCode.ShouldNotBe(0);
        output.ShouldContain("Line 3 of the cookies file is not a cookie");
        output.ShouldNotContain("value-one");
        output.ShouldNotContain("value-two");
    }

    private static Task<(int ExitCode, string Output)> RunAsync(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?> { ["Youtube:Origin"] = Origin };
        foreach (var (key, value) in settings)
            all[key] = value;
        return ServerProcess.RunUntilExitAsync(all, ["--urls", "http://127.0.0.1:0"]);
    }
}
