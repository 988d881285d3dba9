using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

public sealed class SourcesApiSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task After_a_video_one_client_refuses_and_another_plays_the_sources_show_both_and_the_failing_client_is_logged_once()
    {
        // A service of its own: its counts and its log start from nothing.
        var logs = new CapturingLoggerProvider();
        await using var service = ServiceFactory.Start(ServiceFactory.S3Settings(fixture.Origin, fixture.S3),
            builder => builder.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(logs)));
        using var http = service.CreateClient();
        var before = DateTimeOffset.UtcNow;

        foreach (var id in (string[])["healthciph1", "healthciph2"])
        {
            // VISIONOS finds no stream it can fetch (SABR only); the embedded player's ciphered ones play.
            fixture.Origin.Youtube[id] = YoutubeBehaviour.CipherOnly;
            var (status, body, _) = await http.GetVideoAsync(id);
            status.ShouldBe(HttpStatusCode.OK, body.ToString());
        }
        using var response = await http.GetAsync("/api/sources");
        var sources = (await ApiClient.ReadJsonAsync(response)).GetProperty("sources").EnumerateArray().ToList();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        sources.Select(s => s.Text("name")).ShouldBe(["YouTube", $"Invidious ({fixture.Origin.BaseUrl.GetLeftPart(UriPartial.Authority)})"]);
        var youtube = sources[0];
        youtube.Text("outcome").ShouldBe("ok");
        youtube.GetProperty("successes").GetInt64().ShouldBe(2);
        youtube.GetProperty("failures").GetInt64().ShouldBe(0);
        youtube.GetProperty("at").GetDateTimeOffset().ShouldBeGreaterThanOrEqualTo(before);

        var clients = youtube.GetProperty("clients").EnumerateArray().ToList();
        var playing = clients.Where(c => c.Text("outcome") == "ok").ToList().ShouldHaveSingleItem();
        playing.Text("name").ShouldContain("WEB_EMBEDDED_PLAYER");
        playing.GetProperty("successes").GetInt64().ShouldBe(2);
        playing.GetProperty("reason").ValueKind.ShouldBe(JsonValueKind.Null);
        var failing = clients.Where(c => c.Text("outcome") != "ok").ToList();
        failing.ShouldNotBeEmpty();
        foreach (var client in failing)
        {
            client.Text("outcome").ShouldBeOneOf("refused", "failed");
            client.Text("reason").ShouldNotBeNullOrWhiteSpace();
            client.GetProperty("failures").GetInt64().ShouldBe(2);
            client.GetProperty("successes").GetInt64().ShouldBe(0);
            client.GetProperty("lastSuccessAt").ValueKind.ShouldBe(JsonValueKind.Null);
        }

        // Never asked: the answer still lists it, with nothing to say yet.
        sources[1].GetProperty("outcome").ValueKind.ShouldBe(JsonValueKind.Null);
        sources[1].GetProperty("failures").GetInt64().ShouldBe(0);

        // Warned once per client as it starts failing, not on every failure.
        var warnings = logs.Lines.Where(l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("started failing", StringComparison.Ordinal)).ToList();
        warnings.Count.ShouldBe(failing.Count, string.Join('\n', warnings));
        foreach (var client in failing)
            warnings.ShouldContain(w => w.Contains($"YouTube {client.Text("name")} started failing (0 successes, 1 failures so far)", StringComparison.Ordinal));
    }
}
