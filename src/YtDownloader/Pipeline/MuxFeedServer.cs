using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Net.Http.Headers;
using YtDownloader.Sources;

namespace YtDownloader.Pipeline;

/// <summary>
/// A loopback-only HTTP endpoint that hands ffmpeg its inputs from their fetch sessions, so that ranged chunks,
/// retries and resumes stay ours while ffmpeg seeks as it likes (it reads the header, jumps to the index at the end,
/// comes back): every request it makes is served from the one session of that input, each byte fetched once.
/// Each mux gets unguessable URLs that stop working when it ends.
/// </summary>
public sealed class MuxFeedServer(ILogger<MuxFeedServer> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, FeedRegistration> _feeds = new();
    private readonly SemaphoreSlim _startLock = new(1, 1);
    private WebApplication? _app;
    private Uri? _baseUrl;

    /// <summary>Makes the streams reachable for one mux; dispose the registration when the mux ends.</summary>
    public async Task<FeedRegistration> RegisterAsync(IReadOnlyList<MediaSession> inputs, Action<int> onFed, CancellationToken cancellationToken)
    {
        var baseUrl = await EnsureStartedAsync(cancellationToken);
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var registration = new FeedRegistration(token, inputs, baseUrl, onFed, r => _feeds.TryRemove(r.Token, out _));
        _feeds[token] = registration;
        return registration;
    }

    private async Task<Uri> EnsureStartedAsync(CancellationToken cancellationToken)
    {
        if (_baseUrl is { } started)
            return started;
        await _startLock.WaitAsync(cancellationToken);
        try
        {
            if (_baseUrl is null)
            {
                var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
                builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
                var app = builder.Build();
                app.Run(ServeAsync);
                await app.StartAsync(cancellationToken);
                var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
                _app = app;
                _baseUrl = new Uri(address);
            }
            return _baseUrl;
        }
        finally
        {
            _startLock.Release();
        }
    }

    // GET /{token}/{input index}, with or without Range, as ffmpeg's http protocol asks.
    private async Task ServeAsync(HttpContext context)
    {
        var segments = context.Request.Path.Value?.Trim('/').Split('/') ?? [];
        if (segments is not [var token, var indexText] || !_feeds.TryGetValue(token, out var feed)
            || !int.TryParse(indexText, out var index) || index < 0 || index >= feed.Inputs.Count)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var session = feed.Inputs[index];
        var aborted = context.RequestAborted;
        try
        {
            var total = await session.GetLengthAsync(aborted);
            var (from, to) = (0L, total - 1);
            var range = context.Request.GetTypedHeaders().Range?.Ranges.FirstOrDefault();
            if (range is not null)
            {
                from = range.From ?? Math.Max(0, total - range.To!.Value);
                to = range.From is null ? total - 1 : Math.Min(range.To ?? total - 1, total - 1);
                if (from >= total)
                {
                    context.Response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                    context.Response.Headers.ContentRange = $"bytes */{total}";
                    return;
                }
                context.Response.StatusCode = StatusCodes.Status206PartialContent;
                context.Response.Headers.ContentRange = new ContentRangeHeaderValue(from, to, total).ToString();
            }
            context.Response.Headers.AcceptRanges = "bytes";
            context.Response.ContentLength = to - from + 1;
            context.Response.ContentType = session.Format.MimeType.Split(';')[0];
            await session.CopyToAsync(from, to - from + 1, context.Response.Body, feed.OnFed, aborted);
        }
        catch (Exception) when (aborted.IsCancellationRequested)
        {
            // ffmpeg closed the connection to seek elsewhere or because it is done: not a failure.
        }
        catch (YtDownloaderException ex)
        {
            // ffmpeg only sees a broken input; keep the real cause for the error message.
            KeepFailure(feed, session, ex);
            context.Abort();
        }
    }

    /// <summary>
    /// Writes input <paramref name="index"/> whole into <paramref name="stdin"/>, ffmpeg's standard input, for an
    /// input it reads front to back: the same session and count as over HTTP, without the HTTP server between us.
    /// Never throws: it ends when the input is written (closing the pipe, which ffmpeg reads as the end of the
    /// input), when ffmpeg closes its end, or when the mux ends; a download failure is kept as the feed's.
    /// </summary>
    public async Task PipeAsync(FeedRegistration feed, int index, Stream stdin)
    {
        var session = feed.Inputs[index];
        try
        {
            await session.CopyToAsync(0, await session.GetLengthAsync(feed.Ended), stdin, feed.OnFed, feed.Ended);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The mux ended (its sessions may be gone already), or ffmpeg exited before reading all of it (its own
            // words say why): not the input's fault.
        }
        catch (YtDownloaderException ex)
        {
            // Kept before the pipe closes: ffmpeg may take the early end as the input's end and exit 0, and
            // FfmpegOutput must then find the failure, not a clean end.
            KeepFailure(feed, session, ex);
        }
        finally
        {
            try
            {
                await stdin.DisposeAsync();
            }
            catch (IOException)
            {
                // ffmpeg closed its end first.
            }
        }
    }

    private void KeepFailure(FeedRegistration feed, MediaSession session, YtDownloaderException failure)
    {
        feed.Failure ??= failure;
        logger.LogWarning("Feeding stream {Itag} to ffmpeg failed: {Error}", session.Format.Itag, failure.Message);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
        _startLock.Dispose();
    }
}

/// <summary>The inputs of one mux, reachable at <see cref="UrlOf"/> (or piped, <see cref="MuxFeedServer.PipeAsync"/>) until disposed.</summary>
public sealed class FeedRegistration(
    string token, IReadOnlyList<MediaSession> inputs, Uri baseUrl, Action<int> onFed, Action<FeedRegistration> onDispose)
    : IDisposable
{
    public string Token { get; } = token;
    public IReadOnlyList<MediaSession> Inputs { get; } = inputs;

    /// <summary>Told each time bytes of an input reach ffmpeg.</summary>
    public Action<int> OnFed { get; } = onFed;

    /// <summary>The first download failure behind a broken input, if any.</summary>
    public YtDownloaderException? Failure { get; set; }

    // Cancelled, never disposed: a piped input's copy may still look at the token after the mux ended, and a
    // source without a timer holds nothing that needs releasing.
    private readonly CancellationTokenSource _ended = new();

    /// <summary>Cancelled when the mux ends: stops an input still being piped.</summary>
    public CancellationToken Ended => _ended.Token;

    public Uri UrlOf(int index) => new(baseUrl, $"/{Token}/{index}");

    // Both steps are safe twice: cancelling an already cancelled source does nothing, and the server forgets a feed once.
    public void Dispose()
    {
        _ended.Cancel();
        onDispose(this);
    }
}
