using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

public sealed class SecretSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private const string ApiKey = "api-key-that-must-never-be-logged-7f3a9c";

    [Fact]
    public async Task Neither_the_AWS_secret_nor_the_API_keys_appear_in_any_answer_or_log_line()
    {
        var realSecret = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") ?? "testsecret123";
        var wrongSecret = $"wrong-secret-{Guid.NewGuid():N}";
        var logs = new CapturingLoggerProvider();
        var seen = new StringBuilder();
        fixture.Origin.Youtube[FakeOrigin.PlayableVideo] = YoutubeBehaviour.Playable;
        fixture.Origin.Youtube["secretssrf1"] = YoutubeBehaviour.Playable;
        fixture.Origin.MediaUrls["secretssrf1"] = _ => new Uri("http://169.254.169.254/latest/meta-data/");

        async Task<HttpStatusCode> Call(HttpClient http, HttpMethod method, string path, string? json = null)
        {
            using var request = new HttpRequestMessage(method, path);
            if (json is not null)
                request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            using var response = await http.SendAsync(request);
            seen.AppendLine($"{(int)response.StatusCode} {response.Headers} {response.Content.Headers} {await response.Content.ReadAsStringAsync()}");
            return response.StatusCode;
        }

        await using (var service = Start(realSecret, logs))
        {
            using var keyed = Client(service, ApiKey);
            using var wrongKey = Client(service, ApiKey[..^1]);
            using var keyAsHeader = service.CreateClient();
            keyAsHeader.DefaultRequestHeaders.Add("X-Api-Key", ApiKey + "x");

            (await Call(keyed, HttpMethod.Post, "/api/upload-s3", $$"""{"url":"{{FakeOrigin.PlayableVideo}}","quality":"720p"}""")).ShouldBe(HttpStatusCode.OK);
            (await Call(wrongKey, HttpMethod.Get, "/api/auth")).ShouldBe(HttpStatusCode.Unauthorized);
            (await Call(keyAsHeader, HttpMethod.Get, "/api/video?url=aaaaaaaaaaa")).ShouldBe(HttpStatusCode.Unauthorized);
            (await Call(keyed, HttpMethod.Post, "/api/upload-s3", "{not json")).ShouldBe(HttpStatusCode.BadRequest);
            (await Call(keyed, HttpMethod.Post, "/api/upload-s3", """{"url":"secretssrf1","quality":"360p"}""")).ShouldBe(HttpStatusCode.BadGateway);
            (await Call(keyed, HttpMethod.Get, "/api/video?url=nothere0001")).ShouldBe(HttpStatusCode.UnprocessableEntity);
        }

        await using (var service = Start(wrongSecret, logs))
        {
            using var keyed = Client(service, ApiKey);
            (await Call(keyed, HttpMethod.Post, "/api/upload-s3", $$"""{"url":"{{FakeOrigin.PlayableVideo}}","quality":"720p"}"""))
                .ShouldBe(HttpStatusCode.ServiceUnavailable);
        }

        var everything = seen + string.Join('\n', logs.Lines);
        seen.ToString().ShouldContain("access was denied");
        logs.Lines.Count.ShouldBeGreaterThan(50, "the capture must see the service's logs");
        foreach (var secret in new[] { realSecret, wrongSecret, ApiKey, ApiKey[..^1] })
            everything.ShouldNotContain(secret);
    }

    private ServiceFactory Start(string secret, CapturingLoggerProvider logs)
    {
        var settings = ServiceFactory.S3Settings(fixture.Origin, fixture.S3);
        settings["Auth:ApiKeys:0"] = ApiKey;
        settings["Storage:S3:AccessKeyId"] = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? "testkey";
        settings["Storage:S3:SecretAccessKey"] = secret;
        settings["Logging:LogLevel:Default"] = "Trace";
        settings["Logging:LogLevel:Microsoft"] = "Trace";
        settings["Logging:LogLevel:System"] = "Trace";
        settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace";
        settings["Logging:LogLevel:System.Net.Http.HttpClient"] = "Trace";
        settings["Logging:LogLevel:Polly"] = "Trace";
        return ServiceFactory.Start(settings, builder => builder.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(logs)));
    }

    private static HttpClient Client(ServiceFactory service, string key)
    {
        var http = service.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }
}
