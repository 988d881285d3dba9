using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

// A refused start is checked on the service as its own process, as a user starts it; the services that do start
// run in this process, alone, after the parallel classes.
[CollectionDefinition(nameof(StartupGuardSpecs), DisableParallelization = true)]
public sealed class StartupGuardCollection;

/// <summary>Where the service agrees to listen without an API key, checked at start.</summary>
[Collection(nameof(StartupGuardSpecs))]
public sealed class StartupGuardSpecs
{
    // Only a valid setting is needed: nothing is fetched at start.
    private const string Origin = "http://127.0.0.1:9/";

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://[::]:0")]
    [InlineData("http://*:0")]
    [InlineData("http://+:0")]
    [InlineData("http://10.1.2.3:0")]
    [InlineData("http://my-server.example:0")]
    [InlineData("http://localhost:0;http://0.0.0.0:0")]
    public async Task Without_a_key_the_service_refuses_to_listen_beyond_loopback(string urls)
    {
        var (exitCode, message) = await ServerProcess.RunUntilExitAsync(
            new Dictionary<string, string?> { ["Youtube:Origin"] = Origin }, ["--urls", urls]);

        exitCode.ShouldNotBe(0);
        message.ShouldContain("Refusing to start");
        message.ShouldContain("Auth__ApiKeys__0");
        message.ShouldContain("Auth__AllowAnonymous=true");
    }

    [Fact]
    public async Task Kestrel_endpoints_in_configuration_are_checked_too()
    {
        var (exitCode, message) = await ServerProcess.RunUntilExitAsync(new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Public:Url"] = "http://0.0.0.0:0",
            ["Youtube:Origin"] = Origin,
        }, []);

        exitCode.ShouldNotBe(0);
        message.ShouldContain("http://0.0.0.0:0");
    }

    [Theory]
    [InlineData("http://127.0.0.1:0", null, null)]
    [InlineData("http://localhost:0", null, null)]
    [InlineData("http://[::1]:0", null, null)]
    [InlineData("http://0.0.0.0:0", SecuritySpecs.Key, null)]
    [InlineData("http://0.0.0.0:0", null, "true")]
    public async Task The_service_starts_on_loopback_or_with_a_key_or_when_anonymous_access_is_chosen(string urls, string? key, string? anonymous)
    {
        var settings = new Dictionary<string, string?> { ["urls"] = urls, ["Youtube:Origin"] = Origin };
        if (key is not null)
            settings["Auth:ApiKeys:0"] = key;
        if (anonymous is not null)
            settings["Auth:AllowAnonymous"] = anonymous;
        await using var service = ServiceFactory.Start(settings);
        using var http = service.CreateClient();

        (await http.GetStringAsync("/healthz")).ShouldBe("Healthy");
    }
}
