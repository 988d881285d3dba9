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
    /// The direct-URL client gets only SABR formats (no URL, no cipher); the TV client gets signatureCipher
    /// formats whose s and n are recorded inputs of the 2025 player, and media is refused unless both were
    /// deciphered to that player's known answers.
    /// </summary>
    CipherOnly,
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

/// <summary>
/// YouTube and Invidious as the service sees them, on 127.0.0.1: <c>/youtubei/v1/player</c> and
/// <c>/api/v1/videos/{id}</c> answer in the real shapes, built from recorded responses, with media URLs
/// pointing back here; <c>/media/{name}</c> serves the generated files with Range support and injectable faults.
/// </summary>
public sealed partial class FakeOrigin : IAsyncLifetime
{
    public const string PlayableVideo = "aaaaaaaaaaa";
    private const string CipherCase = "2025-02_relatedmix-tvhtml5-cipher_K4DyBUG242c";
    private static readonly JsonNode CipherAnswer = JsonNode.Parse(File.ReadAllText(Fixtures.Path(CipherCase, "decipher-reference.json")))!
        ["computed_reference"]!["entries"]!.AsArray().First(e => e?["s"] is not null)!;

    private readonly TestMedia _media;
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Plan<(MediaFault Fault, long Offset)>> _faults = new();
    private readonly ConcurrentDictionary<string, Plan<int>> _failures = new();
    private readonly ConcurrentDictionary<string, Task> _holds = new();

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
            await next(context);
        });
        _app.MapPost("/youtubei/v1/player", PlayerAsync);
        MapBrowse(_app);
        _app.MapGet("/api/v1/videos/{id}", InvidiousVideo);
        _app.MapGet("/media/{name}", MediaAsync);
        // i.ytimg.com's thumbnail paths, which the service sends here once the origin is configured.
        _app.MapGet("/vi/{id}/{file}", () => Results.File(_media.Thumbnail, "image/jpeg"));
        _app.MapGet("/redirect", (string to) => Results.Redirect(to));
        _app.MapGet("/iframe_api", () => Results.Text(File.ReadAllText(Fixtures.Path(CipherCase, "iframe_api.js")), "text/javascript"));
        _app.MapGet($"/s/player/{{version}}/player_ias.vflset/en_US/base.js", (string version) =>
            File.Exists(Fixtures.Path(CipherCase, $"base-{version}.js"))
                ? Results.Text(File.ReadAllText(Fixtures.Path(CipherCase, $"base-{version}.js")), "text/javascript")
                : Results.NotFound());
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Every request seen, as "METHOD /path?query".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public ConcurrentDictionary<string, YoutubeBehaviour> Youtube { get; } = new();

    /// <summary>Videos the Invidious endpoint serves; others get Invidious's error shape.</summary>
    public ConcurrentDictionary<string, bool> Invidious { get; } = new();

    /// <summary>The next response for this file that crosses the offset is cut there, as a dropped connection.</summary>
    public void DropConnectionOnceAt(string mediaName, long offset) => InjectAt(mediaName, MediaFault.Drop, offset);

    /// <summary>The next <paramref name="times"/> responses for this file that cross the offset misbehave there.</summary>
    public void InjectAt(string mediaName, MediaFault fault, long offset, int times = 1) => _faults[mediaName] = new((fault, offset), times);

    /// <summary>The next <paramref name="times"/> requests for this file are answered with this status and no body.</summary>
    public void FailRequests(string mediaName, int status, int times) => _failures[mediaName] = new(status, times);

    /// <summary>Bytes per second each media response is paced to, as a distant CDN serves one connection; null for full speed.</summary>
    public long? BytesPerSecondPerConnection { get; set; }

    /// <summary>Rewrites the media URLs of one video's player response, e.g. to point them at a host the service must refuse.</summary>
    public ConcurrentDictionary<string, Func<Uri, Uri>> MediaUrls { get; } = new();

    /// <summary>Files served with every byte flipped: what ffmpeg makes of garbage.</summary>
    public ConcurrentDictionary<string, bool> CorruptMedia { get; } = new();

    /// <summary>The next request for this file waits until <paramref name="release"/> completes before it is answered.</summary>
    public void HoldMediaUntil(string mediaName, Task release) => _holds[mediaName] = release;

    public int CountRequests(string prefix) => Requests.Count(r => r.StartsWith(prefix, StringComparison.Ordinal));

    public async ValueTask InitializeAsync()
    {
        await _app.StartAsync();
        BaseUrl = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<IResult> PlayerAsync(HttpRequest request)
    {
        var body = await JsonNode.ParseAsync(request.Body);
        var id = body?["videoId"]?.GetValue<string>() ?? "";
        var client = body?["context"]?["client"]?["clientName"]?.GetValue<string>();
        return Youtube.GetValueOrDefault(id) switch
        {
            _ when !Youtube.ContainsKey(id) => Json(Recorded("2022-08_notavailable_INVALID_ID_", "player-WEB.json")),
            YoutubeBehaviour.Private => Json(Recorded("2026-07_notavailable-privatecontent", "reel-ANDROID.json")["playerResponse"]!),
            YoutubeBehaviour.BotCheck => Json(BotCheck()),
            YoutubeBehaviour.Live => Json(Recorded("2026-07_livestream_X4VbdwhkE10", "player-VISIONOS.json")),
            YoutubeBehaviour.CipherOnly => Json(CipheredPlayerResponse(id, client)),
            _ => Json(PlayablePlayerResponse(id)),
        };
    }

    /// <summary>A recorded direct-URL response with its formats replaced by ours, each keeping the recorded fields of its itag.</summary>
    private JsonNode PlayablePlayerResponse(string id)
    {
        var response = Recorded("2026-07_ratingsdisabled_it3OtbTxQk0", "reel-ANDROID.json")["playerResponse"]!;
        var details = response["videoDetails"]!;
        details["videoId"] = id;
        details["title"] = $"Test video {id}: a/b \\ ../ \u202Eevil \U0001F3AC";
        details["lengthSeconds"] = ((int)TestMedia.DurationSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var streaming = response["streamingData"]!;
        var recorded = streaming["formats"]!.AsArray().Concat(streaming["adaptiveFormats"]!.AsArray()).ToList();
        streaming["formats"] = new JsonArray(YoutubeFormat(_media.Muxed360, recorded));
        streaming["adaptiveFormats"] = new JsonArray(
            _media.All.Where(m => m != _media.Muxed360).Select(m => YoutubeFormat(m, recorded)).ToArray());
        if (MediaUrls.TryGetValue(id, out var rewrite))
        {
            foreach (var format in streaming["formats"]!.AsArray().Concat(streaming["adaptiveFormats"]!.AsArray()))
                format!["url"] = rewrite(new Uri(format["url"]!.GetValue<string>())).ToString();
        }
        return response;
    }

    private JsonNode CipheredPlayerResponse(string id, string? client)
    {
        var response = PlayablePlayerResponse(id);
        var streaming = response["streamingData"]!;
        foreach (var format in streaming["formats"]!.AsArray().Concat(streaming["adaptiveFormats"]!.AsArray()))
        {
            var entry = format!.AsObject();
            var url = entry["url"]!.GetValue<string>() + $"&checkcipher=1&n={Uri.EscapeDataString(CipherAnswer["n"]!.GetValue<string>())}";
            entry.Remove("url");
            if (client == "TVHTML5")
                entry["signatureCipher"] = $"s={Uri.EscapeDataString(CipherAnswer["s"]!.GetValue<string>())}&sp=sig&url={Uri.EscapeDataString(url)}";
        }
        return response;
    }

    private JsonNode YoutubeFormat(MediaFile media, List<JsonNode?> recorded)
    {
        var entry = (recorded.FirstOrDefault(f => f?["itag"]?.GetValue<int>() == media.Itag) ?? recorded[0])!.DeepClone().AsObject();
        entry.Remove("signatureCipher");
        entry["itag"] = media.Itag;
        entry["url"] = new Uri(BaseUrl, $"/media/{media.Name}?expire=1999999999&itag={media.Itag}").ToString();
        entry["mimeType"] = media.MimeType;
        entry["bitrate"] = media.Bitrate;
        entry["contentLength"] = media.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        entry["approxDurationMs"] = ((int)(TestMedia.DurationSeconds * 1000)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var field in (string[])["width", "height", "fps", "qualityLabel"])
            entry.Remove(field);
        if (media.Width is { } width)
        {
            entry["width"] = width;
            entry["height"] = media.Height;
            entry["fps"] = media.Fps;
            entry["qualityLabel"] = $"{Math.Min(width, media.Height!.Value)}p";
        }
        else
        {
            entry["audioSampleRate"] = "48000";
        }
        return entry;
    }

    private static JsonNode BotCheck()
    {
        var response = Recorded("2024-11_agerestricted_rwcfPqbAx-0", "player-WEB-fields.json");
        response["playabilityStatus"]!["reason"] = "Sign in to confirm you\u2019re not a bot";
        return response;
    }

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
        var media = _media.All.SingleOrDefault(m => m.Name == name);
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
        if (query["checkcipher"] == "1"
            && (query["sig"] != CipherAnswer["expected_sig"]!.GetValue<string>() || query["n"] != CipherAnswer["expected_n"]!.GetValue<string>()))
        {
            // What googlevideo does with a wrong signature.
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
            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {from}-{to}/{length}";
        }
        context.Response.ContentLength = to - from + 1;
        context.Response.ContentType = media.MimeType.Split(';')[0];

        if (_holds.TryRemove(name, out var hold))
            await hold;
        var corrupt = CorruptMedia.ContainsKey(name);
        var stopAt = to + 1;
        var fault = _faults.TryGetValue(name, out var planned) && planned.What.Offset >= from && planned.What.Offset <= to && planned.TryUse()
            ? planned.What.Fault
            : (MediaFault?)null;
        if (fault is not null)
            stopAt = planned!.What.Offset;

        await using var file = File.OpenRead(media.Path);
        file.Position = from;
        var buffer = new byte[64 * 1024];
        var pace = BytesPerSecondPerConnection is { } rate ? new Pacer(rate) : null;
        for (var position = from; position < stopAt;)
        {
            var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, stopAt - position)));
            if (corrupt)
                buffer.AsSpan(0, read).Reverse();
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
            position += read;
            if (pace is not null)
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

    /// <summary>A misbehaviour planned for a number of uses.</summary>
    private sealed class Plan<T>(T what, int times)
    {
        private int _left = times;
        public T What { get; } = what;
        public bool TryUse() => Interlocked.Decrement(ref _left) >= 0;
    }

    /// <summary>Paces one response to a rate, as a CDN paces one connection.</summary>
    private sealed class Pacer(long bytesPerSecond)
    {
        private readonly long _start = System.Diagnostics.Stopwatch.GetTimestamp();

        public async Task WaitAsync(long sent, CancellationToken cancellationToken)
        {
            var due = TimeSpan.FromSeconds((double)sent / bytesPerSecond) - System.Diagnostics.Stopwatch.GetElapsedTime(_start);
            if (due > TimeSpan.FromMilliseconds(1))
                await Task.Delay(due, cancellationToken);
        }
    }

    private static JsonNode Recorded(string folder, string file) =>
        JsonNode.Parse(File.ReadAllText(Fixtures.Path(folder, file)))!;

    private static IResult Json(JsonNode node) => Results.Text(node.ToJsonString(), "application/json; charset=UTF-8");
}
