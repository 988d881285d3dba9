using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>
/// A pass-through proxy in front of the real S3 server that fails chosen requests the way S3 does under load
/// (500 InternalError). Everything else, signatures included, reaches radosgw untouched: the Host header is kept.
/// </summary>
public sealed class FaultyS3Proxy(Uri upstream) : IAsyncDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
    private WebApplication? _app;
    private int _partFailuresLeft;
    private Task _writesHeld = Task.CompletedTask;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Every request seen, as "METHOD /path?query → status".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>The next <paramref name="count"/> UploadPart requests are answered 500 instead of being forwarded.</summary>
    public void FailNextParts(int count) => Interlocked.Exchange(ref _partFailuresLeft, count);

    /// <summary>
    /// Every PUT (a part or a whole object) waits for <paramref name="release"/> before it is forwarded, so that a job
    /// stays in its upload phase for as long as a test needs to look at it.
    /// </summary>
    public void HoldWritesUntil(Task release) => _writesHeld = release;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(ForwardAsync);
        await _app.StartAsync();
        BaseUrl = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var request = context.Request;
        var line = $"{request.Method} {request.Path}{request.QueryString}";
        if (request.Method == "PUT" && request.Query.ContainsKey("partNumber") && Interlocked.Decrement(ref _partFailuresLeft) >= 0)
        {
            await request.Body.CopyToAsync(Stream.Null);
            Requests.Enqueue($"{line} → 500 (injected)");
            context.Response.StatusCode = 500;
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InternalError</Code><Message>Injected by the test</Message></Error>");
            return;
        }

        if (request.Method == "PUT")
            await _writesHeld.WaitAsync(context.RequestAborted);

        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(upstream, $"{request.Path}{request.QueryString}"));
        if (request.ContentLength is not null || request.ContentType is not null || request.Headers.TransferEncoding.Count > 0)
            forward.Content = new StreamContent(request.Body);
        foreach (var (name, values) in request.Headers)
        {
            if (name is "Host" or "Expect" or "Connection" or "Transfer-Encoding")
                continue;
            if (!forward.Headers.TryAddWithoutValidation(name, values.ToArray()))
                forward.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
        }
        forward.Headers.Host = request.Host.Value;

        using var response = await _http.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        Requests.Enqueue($"{line} → {(int)response.StatusCode}");
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (name is not ("Transfer-Encoding" or "Connection"))
                context.Response.Headers[name] = values.ToArray();
        }
        await response.Content.CopyToAsync(context.Response.Body);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
        _http.Dispose();
    }
}
