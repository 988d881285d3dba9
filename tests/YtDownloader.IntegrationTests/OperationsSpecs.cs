using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>What an operator runs the service with: its API description, its readiness, and how it refuses a bad start.</summary>
public sealed class OperationsSpecs(SecuritySpecs.KeyedFixture fixture) : IClassFixture<SecuritySpecs.KeyedFixture>
{
    [Fact]
    public async Task The_OpenAPI_document_is_valid_and_describes_every_mapped_endpoint_with_its_problems()
    {
        using var http = KeyedClient();

        var json = await http.GetStringAsync("/openapi/v1.json");
        var read = OpenApiDocument.Parse(json, "json", new OpenApiReaderSettings());

        read.Diagnostic!.Errors.ShouldBeEmpty(string.Join("; ", read.Diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}")));
        var document = read.Document!;
        var described = document.Paths.SelectMany(p => p.Value.Operations!.Keys.Select(m => $"{m.Method.ToUpperInvariant()} {p.Key}")).ToHashSet();
        var mapped = MappedApiEndpoints().ToList();
        mapped.ShouldNotBeEmpty();
        mapped.Where(e => !described.Contains(e)).ShouldBeEmpty($"described: {string.Join(", ", described)}");
        foreach (var operation in document.Paths.SelectMany(p => p.Value.Operations!.Values))
        {
            operation.Responses!.Keys.ShouldContain("401", operation.OperationId);
            operation.Responses["401"].Content!.Keys.ShouldContain("application/problem+json");
        }
        // No link is built from the request's Host header, which anyone can point at this server.
        (document.Servers ?? []).ShouldBeEmpty();
        json.ShouldNotContain(http.BaseAddress!.Authority);
    }

    [Theory]
    [InlineData("/openapi/v1.json")]
    [InlineData("/api/docs/")]
    public async Task The_API_description_and_its_reference_page_need_the_key_like_the_API(string path)
    {
        using var anonymous = fixture.CreateClient();
        using var keyed = KeyedClient();

        (await anonymous.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var page = await keyed.GetAsync(path);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        if (path == "/api/docs/")
        {
            // The reference's start-up script runs by nonce; the page's strict policy stays everywhere else.
            var policy = page.Headers.GetValues("Content-Security-Policy").Single();
            var html = await page.Content.ReadAsStringAsync();
            var nonce = policy.Split("'nonce-")[1].Split('\'')[0];
            html.ShouldContain($"nonce=\"{nonce}\"");
            html.ShouldNotContain("fonts.scalar.com");
        }
    }

    [Fact]
    public async Task Readiness_checks_the_job_store_the_bucket_and_ffmpeg_and_turns_unhealthy_when_the_S3_server_stops()
    {
        await using var s3 = new PrivateS3Server();
        await s3.StartAsync();
        var settings = ServiceFactory.S3Settings(fixture.Origin, fixture.S3);
        settings["Storage:S3:ServiceUrl"] = s3.ServiceUrl;
        settings["Storage:S3:Bucket"] = s3.Bucket;
        await using var service = ServiceFactory.Start(settings);
        using var http = service.CreateClient();

        var (status, ready) = await ReadinessAsync(http);
        status.ShouldBe(HttpStatusCode.OK, ready.ToString());
        foreach (var check in (string[])["jobs", "storage", "ffmpeg"])
            ready.GetProperty("checks").GetProperty(check).GetProperty("status").GetString().ShouldBe("Healthy");

        await s3.StopGatewayAsync();
        try
        {
            (status, ready) = await ReadinessAsync(http);
            status.ShouldBe(HttpStatusCode.ServiceUnavailable, ready.ToString());
            ready.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString().ShouldBe("Unhealthy");
            ready.GetProperty("checks").GetProperty("jobs").GetProperty("status").GetString().ShouldBe("Healthy");
            // Liveness is not readiness: a process whose bucket is away must not be restarted for it.
            (await http.GetStringAsync("/healthz")).ShouldBe("Healthy");
        }
        finally
        {
            await s3.StartGatewayAsync();
        }
    }

    [Fact]
    public async Task Metrics_answer_without_a_key_in_Prometheus_text_and_their_job_counters_move_after_a_job()
    {
        // A process of its own, as in production. In the test process every host's ASP.NET Core meter has the same
        // name, and OpenTelemetry feeds them all into one stream, which it stops exporting once any of those hosts
        // is disposed: CI twice scraped no request durations at all after another test class had ended.
        const string id = "metrics0001";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        var settings = ServiceFactory.S3Settings(fixture.Origin, fixture.S3);
        var (database, connection) = await fixture.NewJobsDatabaseAsync();
        settings[database] = connection;
        settings["Auth:ApiKeys:0"] = SecuritySpecs.Key;
        await using var server = await ServerProcess.StartAsync(settings);
        using var anonymous = server.CreateClient();
        using var keyed = server.CreateClient();
        keyed.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SecuritySpecs.Key);
        var before = JobsDone(await anonymous.GetStringAsync("/metrics"));

        var (status, body, _) = await keyed.UploadAsync(new { url = id, quality = "360p" });
        status.ShouldBe(HttpStatusCode.OK, body.ToString());

        // The job's end is counted as the runner writes it, and a request's duration once its response has gone out:
        // either may come a moment after the answer.
        var text = "";
        bool Counted() => JobsDone(text) > before && text.Contains("http_server_request_duration_seconds", StringComparison.Ordinal);
        for (var attempt = 0; attempt < 50 && !Counted(); attempt++)
        {
            using var response = await anonymous.GetAsync("/metrics");
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
            text = await response.Content.ReadAsStringAsync();
            if (!Counted())
                await Task.Delay(100);
        }
        JobsDone(text).ShouldBeGreaterThan(before);
        text.ShouldContain("ytdownloader_bytes_stored");
        text.ShouldContain("http_server_request_duration_seconds");
        text.ShouldContain("dotnet_gc_collections");
    }

    /// <summary>The count of jobs done in a Prometheus text exposition (0 before the first).</summary>
    private static double JobsDone(string exposition) =>
        exposition.Split('\n').Where(l => l.StartsWith("ytdownloader_jobs_ended_total{", StringComparison.Ordinal) && l.Contains("outcome=\"done\"", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ')[^1].Trim(), System.Globalization.CultureInfo.InvariantCulture) is var v ? v : 0)
            .Sum();

    [Theory]
    [InlineData("Jobs__MaxConcurrent", "0", "Jobs:MaxConcurrent must be between 1 and 64.")]
    [InlineData("Storage__S3__PartSize", "1024", "Storage:S3:PartSize must be at least 5 MiB")]
    [InlineData("Youtube__Origin", "ftp://example.org/", "Youtube:Origin must be an http(s) URL.")]
    public async Task A_bad_setting_ends_the_start_with_exit_code_1_and_one_clear_paragraph(string name, string value, string reason)
    {
        var (exitCode, output) = await ServerProcess.RunUntilExitAsync(new Dictionary<string, string?> { [name] = value }, ["--urls", "http://127.0.0.1:0"]);

        exitCode.ShouldBe(1, output);
        output.ShouldContain("YtDownloader cannot start");
        output.ShouldContain(reason);
        output.ShouldNotContain("   at ");
        output.ShouldNotContain("Exception");
    }

    private HttpClient KeyedClient()
    {
        var http = fixture.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SecuritySpecs.Key);
        return http;
    }

    /// <summary>Every route the service maps under /api and /files, as "METHOD /path" with OpenAPI's parameter syntax.</summary>
    private IEnumerable<string> MappedApiEndpoints() =>
        fixture.Service.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api/", StringComparison.Ordinal) || raw.StartsWith("/files", StringComparison.Ordinal))
                && !raw.StartsWith("/api/docs", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => $"{m} {OpenApiPath(e.RoutePattern.RawText!)}"));

    private static string OpenApiPath(string route) =>
        System.Text.RegularExpressions.Regex.Replace(route, @"\{\*{0,2}([A-Za-z0-9_]+)[^}]*\}", "{$1}") is var path && path.Length > 1
            ? path.TrimEnd('/')
            : path;

    private static async Task<(HttpStatusCode, JsonElement)> ReadinessAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/healthz/ready");
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
