using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using YtDownloader.Tests.TestSupport;

namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>How the fake YouTube answers for one video.</summary>
public enum YoutubeBehaviour
{
    Playable,
    Private,
    BotCheck,
    Live,

    /// <summary>
    /// VISIONOS gets only SABR formats (no URL, no cipher); the embedded player gets signatureCipher formats whose
    /// s and n are known inputs of the 2026 player, and media is refused unless both were deciphered to its answers.
    /// </summary>
    CipherOnly,

    /// <summary>VISIONOS answers UNPLAYABLE (as it does for videos made for kids); the other clients play it.</summary>
    NotOnVisionos,

    /// <summary>Every client answers the bot check unless it comes with the signed-in account's cookies (and, for web clients, SAPISIDHASH).</summary>
    NeedsCookies,

    /// <summary>Only WEB plays it, and its media is refused without a PO token from the provider.</summary>
    OnlyWeb,
}

/// <summary>How the fake media server misbehaves in the middle of a response.</summary>
public enum MediaFault
{
    /// <summary>The connection is cut.</summary>
    Drop,

    /// <summary>The response ends, with the connection closed cleanly, before the Content-Length it announced.</summary>
    ShortBody,

    /// <summary>The response stops sending and never finishes, until the client gives up.</summary>
    Stall,
}

/// <summary>One request to the media endpoint: the file, the client named in its URL (<c>c=</c>, as googlevideo's URLs name it), the range, the video.</summary>
public sealed record MediaRequest(string Name, string Client, long From, long To, string Video);

/// <summary>
/// YouTube and Invidious as the service sees them, on 127.0.0.1: <c>/youtubei/v1/player</c> and
/// <c>/api/v1/videos/{id}</c> answer in the real shapes, built from recorded responses, with media URLs
/// pointing back here; <c>/media/{name}</c> serves the generated files with Range support and injectable faults.
/// </summary>
public sealed partial class FakeOrigin : IAsyncLifetime
{
    public const string PlayableVideo = "aaaaaaaaaaa";

    private readonly TestMedia _media;
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Plan<(MediaFault Fault, long Offset)>> _faults = new();
    private readonly ConcurrentDictionary<string, Plan<int>> _failures = new();
    private readonly ConcurrentDictionary<string, Task> _holds = new();
    private readonly ConcurrentDictionary<string, Task> _videoHolds = new();
    private readonly ConcurrentDictionary<string, ByteCount> _served = new();
    private readonly ConcurrentDictionary<string, (long Offset, int Clients, bool ByReset)> _cutOffs = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _clientsAsked = new();
    private readonly ConcurrentDictionary<string, (DateTimeOffset ServedAt, TimeSpan Length)> _preRolls = new();

    public FakeOrigin(TestMedia media)
    {
        _media = media;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        _app = builder.Build();
        _app.Use(async (context, next) =>
        {
            Requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
            RecordCookies(context);
            RequestHeaders.Enqueue(($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}", context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString())));
            await next(context);
        });
        MapYoutube(_app);
        MapBrowse(_app);
        MapCaptions(_app);
        _app.MapGet("/api/v1/videos/{id}", InvidiousVideo);
        _app.MapGet("/media/{name}", MediaAsync);
        // i.ytimg.com's thumbnail paths, which the service sends here once the origin is configured.
        _app.MapGet("/vi/{id}/{file}", () => Results.File(_media.Thumbnail, "image/jpeg"));
        _app.MapGet("/redirect", (string to) => Results.Redirect(to));
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Every request seen, as "METHOD /path?query".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Every request seen, as "METHOD /path?query", with the headers it came with.</summary>
    public ConcurrentQueue<(string Request, Dictionary<string, string> Headers)> RequestHeaders { get; } = new();

    public ConcurrentDictionary<string, YoutubeBehaviour> Youtube { get; } = new();

    /// <summary>Videos the Invidious endpoint serves; others get Invidious's error shape.</summary>
    public ConcurrentDictionary<string, bool> Invidious { get; } = new();

    /// <summary>The next response for this file that crosses the offset is cut there, as a dropped connection.</summary>
    public void DropConnectionOnceAt(string mediaName, long offset) => InjectAt(mediaName, MediaFault.Drop, offset);

    /// <summary>The next <paramref name="times"/> responses for this file that cross the offset misbehave there.</summary>
    public void InjectAt(string mediaName, MediaFault fault, long offset, int times = 1) => _faults[mediaName] = new((fault, offset), times);

    /// <summary>The next <paramref name="times"/> requests for this file are answered with this status and no body.</summary>
    public void FailRequests(string mediaName, int status, int times) => _failures[mediaName] = new(status, times);

    /// <summary>
    /// Bytes per second each media response is paced to, as a distant CDN serves one connection; null for full speed.
    /// A change applies to the responses under way too, so that a test can hold a job still and then let it run.
    /// </summary>
    public long? BytesPerSecondPerConnection { get; set; }

    /// <summary>
    /// A pace at which a test video takes half a minute or more to fetch, its streams coming over four ranges each,
    /// yet steady enough that no read looks stalled: for a test that must catch a job in the middle (to kill or stop
    /// its server), which at 40 KB/s a connection once ended on a loaded machine before the test could act.
    /// </summary>
    public const long CrawlBytesPerSecond = 2_000;

    /// <summary>Rewrites the media URLs of one video's player response, e.g. to point them at a host the service must refuse.</summary>
    public ConcurrentDictionary<string, Func<Uri, Uri>> MediaUrls { get; } = new();

    /// <summary>
    /// Videos played from another media set than this origin's own: the bench warms every server up with the same
    /// small set, whatever the size of the set it measures.
    /// </summary>
    public ConcurrentDictionary<string, TestMedia> MediaSets { get; } = new();

    private TestMedia MediaOf(string video) => MediaSets.TryGetValue(video, out var set) ? set : _media;

    /// <summary>Files served with every byte flipped: what ffmpeg makes of garbage.</summary>
    public ConcurrentDictionary<string, bool> CorruptMedia { get; } = new();

    /// <summary>The next request for this file waits until <paramref name="release"/> completes before it is answered.</summary>
    public void HoldMediaUntil(string mediaName, Task release) => _holds[mediaName] = release;

    /// <summary>
    /// Every media request for this video, from now on, waits until <paramref name="release"/> completes: a job that
    /// stays running, however slow the machine, until the test lets it go.
    /// </summary>
    public void HoldVideoMediaUntil(string videoId, Task release) => _videoHolds[videoId] = release;

    /// <summary>
    /// YouTube refusing a client part-way: the media URLs that the first <paramref name="clients"/> clients to answer
    /// for this video gave out are refused with 403 from <paramref name="offset"/> on (a response crossing it is cut
    /// there), or, with <paramref name="byReset"/>, every request for them from there on has its connection reset
    /// before it is answered; the next client's URLs are served whole. Whichever clients the service asks, in its order.
    /// </summary>
    public void CutOffFirstClients(string videoId, long offset, int clients = 1, bool byReset = false) =>
        _cutOffs[videoId] = (offset, clients, byReset);

    /// <summary>The InnerTube clients that asked for this video's player response, in order, each once.</summary>
    public IReadOnlyList<string> ClientsAsked(string videoId) =>
        _clientsAsked.TryGetValue(videoId, out var clients) ? clients.ToList() : [];

    /// <summary>
    /// A forced pre-roll ad of this length in the player response (YouTube's <c>adPlacements</c> shape); until it has
    /// played, counted from when the response was served, the video's media is refused with 403.
    /// </summary>
    public void PreRoll(string videoId, TimeSpan length) => _preRolls[videoId] = (DateTimeOffset.MaxValue, length);

    private int _refusedBeforePlayable;

    /// <summary>Media requests refused because the pre-roll had not played yet.</summary>
    public int RefusedBeforePlayable => Volatile.Read(ref _refusedBeforePlayable);

    /// <summary>Bytes of this file the media endpoint has written to responses, all requests together.</summary>
    public long ServedBytes(string mediaName) => _served.TryGetValue(mediaName, out var served) ? Interlocked.Read(ref served.Bytes) : 0;

    /// <summary>Every media request, with its range and the InnerTube client whose player response gave its URL.</summary>
    public ConcurrentQueue<MediaRequest> MediaRequests { get; } = new();

    public int CountRequests(string prefix) => Requests.Count(r => r.StartsWith(prefix, StringComparison.Ordinal));

    public async ValueTask InitializeAsync()
    {
        await _app.StartAsync();
        BaseUrl = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private IResult InvidiousVideo(string id)
    {
        if (!Invidious.ContainsKey(id))
            return Results.Json(new { error = "This video is unavailable" }, statusCode: 500);
        var response = Recorded("invidious_api-v1-videos_b0tbxShxFws", "api-v1-videos.json");
        response["videoId"] = id;
        response["title"] = $"Invidious copy of {id}";
        response["lengthSeconds"] = (int)TestMedia.DurationSeconds;
        // local=true: the instance hands out its own relative URLs.
        JsonNode Format(MediaFile m)
        {
            var entry = new JsonObject
            {
                ["url"] = $"/media/{m.Name}?local=true&itag={m.Itag}",
                ["itag"] = m.Itag.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["type"] = m.MimeType,
                ["bitrate"] = m.Bitrate.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["clen"] = m == _media.Muxed360 ? null : m.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["container"] = m.Name.EndsWith(".webm", StringComparison.Ordinal) ? "webm" : "mp4",
            };
            if (m.Width is { } w)
            {
                entry["size"] = $"{w}x{m.Height}";
                entry["fps"] = m.Fps;
                entry["qualityLabel"] = $"{m.Height}p";
            }
            return entry;
        }
        response["formatStreams"] = new JsonArray(Format(_media.Muxed360));
        response["adaptiveFormats"] = new JsonArray(_media.All.Where(m => m != _media.Muxed360).Select(Format).ToArray());
        return Json(response);
    }

    private async Task MediaAsync(HttpContext context, string name)
    {
        var media = MediaOf(context.Request.Query["v"].ToString()).All.SingleOrDefault(m => m.Name == name);
        if (media is null)
        {
            context.Response.StatusCode = 404;
            return;
        }
        if (_failures.TryGetValue(name, out var failure) && failure.TryUse())
        {
            context.Response.StatusCode = failure.What;
            return;
        }
        var query = context.Request.Query;
        if (RefusesStream(query))
        {
            context.Response.StatusCode = 403;
            return;
        }
        var length = media.Length;
        var (from, to) = (0L, length - 1);
        var range = context.Request.GetTypedHeaders().Range?.Ranges.SingleOrDefault();
        if (range is not null)
        {
            from = range.From ?? length - range.To!.Value;
            to = Math.Min(range.From is null ? length - 1 : range.To ?? length - 1, length - 1);
            if (from >= length)
            {
                context.Response.StatusCode = 416;
                context.Response.Headers.ContentRange = $"bytes */{length}";
                return;
            }
        }
        var video = query["v"].ToString();
        if (_preRolls.TryGetValue(video, out var preRoll) && DateTimeOffset.UtcNow < preRoll.ServedAt + preRoll.Length)
        {
            Interlocked.Increment(ref _refusedBeforePlayable);
            context.Response.StatusCode = 403;
            return;
        }
        var cutAt = long.MaxValue;
        if (_cutOffs.TryGetValue(video, out var cutOff) && ClientsAsked(video).Take(cutOff.Clients).Contains(query["c"].ToString()))
        {
            if (from >= cutOff.Offset)
            {
                if (cutOff.ByReset)
                    context.Abort();
                else
                    context.Response.StatusCode = 403;
                return;
            }
            cutAt = cutOff.Offset;
        }
        if (range is not null)
        {
            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {from}-{to}/{length}";
        }
        context.Response.ContentLength = to - from + 1;
        context.Response.ContentType = media.MimeType.Split(';')[0];

        if (_holds.TryRemove(name, out var hold))
            await hold;
        if (_videoHolds.TryGetValue(video, out var videoHold))
            await videoHold;
        var corrupt = CorruptMedia.ContainsKey(name);
        var stopAt = to + 1;
        var fault = _faults.TryGetValue(name, out var planned) && planned.What.Offset >= from && planned.What.Offset <= to && planned.TryUse()
            ? planned.What.Fault
            : (MediaFault?)null;
        if (fault is not null)
            stopAt = planned!.What.Offset;
        else if (cutAt <= to)
            (fault, stopAt) = (MediaFault.Drop, cutAt);

        MediaRequests.Enqueue(new MediaRequest(name, query["c"].ToString(), from, to, query["v"].ToString()));
        var served = _served.GetOrAdd(name, _ => new ByteCount());
        await using var file = File.OpenRead(media.Path);
        file.Position = from;
        var buffer = new byte[64 * 1024];
        var pace = new Pacer(() => BytesPerSecondPerConnection);
        for (var position = from; position < stopAt;)
        {
            // Small blocks at a slow rate, so that the bytes arrive steadily rather than a burst every few seconds.
            var block = BytesPerSecondPerConnection is { } rate ? (int)Math.Clamp(rate / 8, 512, buffer.Length) : buffer.Length;
            var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(block, stopAt - position)));
            if (corrupt)
                buffer.AsSpan(0, read).Reverse();
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
            Interlocked.Add(ref served.Bytes, read);
            position += read;
            await pace.WaitAsync(position - from, context.RequestAborted);
        }
        if (fault is null)
            return;
        await context.Response.Body.FlushAsync();
        switch (fault)
        {
            case MediaFault.Drop:
                context.Abort();
                break;
            case MediaFault.Stall:
                try { await Task.Delay(TimeSpan.FromMinutes(2), context.RequestAborted); }
                catch (OperationCanceledException) { }
                context.Abort();
                break;
            case MediaFault.ShortBody:
                // Returning with fewer bytes than the Content-Length makes Kestrel close the connection after them.
                break;
        }
    }

    private sealed class ByteCount
    {
        public long Bytes;
    }

    /// <summary>A misbehaviour planned for a number of uses.</summary>
    private sealed class Plan<T>(T what, int times)
    {
        private int _left = times;
        public T What { get; } = what;
        public bool TryUse() => Interlocked.Decrement(ref _left) >= 0;
    }

    /// <summary>Paces one response to a rate, as a CDN paces one connection.</summary>
    /// <summary>Keeps one response at the origin's rate, measured from the last change of the rate.</summary>
    private sealed class Pacer(Func<long?> rate)
    {
        // The schedule: from _start on, bytes beyond _allowed go at _rate.
        private long? _rate = rate();
        private long _start = System.Diagnostics.Stopwatch.GetTimestamp();
        private long _allowed;

        public async Task WaitAsync(long sent, CancellationToken cancellationToken)
        {
            while (rate() is { } now)
            {
                if (now != _rate)
                {
                    // What the old schedule allowed by now stays allowed (all of it after full speed); the rest goes at the new rate.
                    _allowed = _rate is { } old ? Math.Min(sent, _allowed + (long)(old * System.Diagnostics.Stopwatch.GetElapsedTime(_start).TotalSeconds)) : sent;
                    (_rate, _start) = (now, System.Diagnostics.Stopwatch.GetTimestamp());
                }
                var due = TimeSpan.FromSeconds((double)(sent - _allowed) / now) - System.Diagnostics.Stopwatch.GetElapsedTime(_start);
                if (due <= TimeSpan.FromMilliseconds(1))
                    return;
                // In slices, so that a new rate is heard within moments.
                await Task.Delay(due < TimeSpan.FromMilliseconds(200) ? due : TimeSpan.FromMilliseconds(200), cancellationToken);
            }
            _rate = null;
        }
    }

    private static JsonNode Recorded(string folder, string file) =>
        JsonNode.Parse(File.ReadAllText(Fixtures.Path(folder, file)))!;

    private static IResult Json(JsonNode node) => Results.Text(node.ToJsonString(), "application/json; charset=UTF-8");
}
