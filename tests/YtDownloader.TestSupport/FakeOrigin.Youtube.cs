using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using YtDownloader.Tests.TestSupport;

namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>
/// YouTube's InnerTube player endpoint as it behaves in late 2026, per client (the request's <c>clientName</c>):
/// VISIONOS answers direct URLs (its recorded answer's shape); WEB_EMBEDDED_PLAYER answers <c>signatureCipher</c> with
/// an <c>n</c>, solved only by the 2026 player JavaScript; TVHTML5 answers the bot check unless signed in; WEB and
/// ANDROID_VR answer direct URLs whose media is refused without a PO token. It also plays a bgutil PO token provider.
/// </summary>
public sealed partial class FakeOrigin
{
    private const string PlayerCase = "2026-07_playerjs";
    private const string SignatureTimestamp = "20472";
    private static readonly JsonNode PlayerAnswers = JsonNode.Parse(File.ReadAllText(Fixtures.Path(PlayerCase, "decipher-reference.json")))!["synthetic_challenges"]!;
    private static readonly string CipherS = PlayerAnswers["sig"]![0]!["input"]!.GetValue<string>();
    private static readonly string CipherSig = PlayerAnswers["sig"]![0]!["expected"]!.GetValue<string>();
    private static readonly string CipherN = PlayerAnswers["n"]![0]!["input"]!.GetValue<string>();
    private static readonly string CipherNAnswer = PlayerAnswers["n"]![0]!["expected"]!.GetValue<string>();
    // VISIONOS's URLs carry an n too (untransformed by yt-dlp); whether it is transformed does not matter here.
    private static readonly string DirectN = PlayerAnswers["n"]![1]!["input"]!.GetValue<string>();

    /// <summary>One request to <c>/youtubei/v1/player</c>, as the origin saw it.</summary>
    public sealed record PlayerRequest(string VideoId, string ClientName, string ClientVersion, string? Cookie, string? Authorization, string? SignatureTimestamp);

    public ConcurrentQueue<PlayerRequest> PlayerRequests { get; } = new();

    /// <summary>Every request that carried a Cookie header, as "METHOD /path".</summary>
    public ConcurrentQueue<string> RequestsWithCookies { get; } = new();

    /// <summary>The SAPISID cookie of the one account this YouTube signs in; null: nobody is signed in.</summary>
    public string? SignedInSapisid { get; set; }

    /// <summary>Video ids the PO token provider was asked for, one per request.</summary>
    public ConcurrentQueue<string> PoTokenRequests { get; } = new();

    /// <summary>The token the provider hands out for a video, the only one its media accepts.</summary>
    public static string PoTokenFor(string videoId) => $"MnToken-{videoId}-bgutil";

    private void MapYoutube(WebApplication app)
    {
        app.MapPost("/youtubei/v1/player", PlayerAsync);
        app.MapGet("/iframe_api", () => Results.Text(File.ReadAllText(Fixtures.Path(PlayerCase, "iframe_api.js")), "text/javascript"));
        app.MapGet("/s/player/{version}/player_ias.vflset/en_US/base.js", (string version) =>
            File.Exists(Fixtures.Path(PlayerCase, $"base-{version}.js"))
                ? Results.Text(File.ReadAllText(Fixtures.Path(PlayerCase, $"base-{version}.js")), "text/javascript")
                : Results.NotFound());
        // The bgutil provider's HTTP protocol.
        app.MapPost("/get_pot", GetPoTokenAsync);
        app.MapGet("/ping", () => Results.Json(new { version = "1.2.2", server_uptime = 1 }));
    }

    private void RecordCookies(HttpContext context)
    {
        if (context.Request.Headers.Cookie.Count > 0)
            RequestsWithCookies.Enqueue($"{context.Request.Method} {context.Request.Path}");
    }

    private async Task<IResult> PlayerAsync(HttpRequest request)
    {
        var body = await JsonNode.ParseAsync(request.Body);
        var id = body?["videoId"]?.GetValue<string>() ?? "";
        var client = body?["context"]?["client"]?["clientName"]?.GetValue<string>() ?? "";
        var version = body?["context"]?["client"]?["clientVersion"]?.GetValue<string>() ?? "";
        var sts = body?["playbackContext"]?["contentPlaybackContext"]?["signatureTimestamp"]?.ToJsonString();
        PlayerRequests.Enqueue(new PlayerRequest(id, client, version, request.Headers.Cookie.ToString() is { Length: > 0 } c ? c : null,
            request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null, sts));
        var signedIn = IsSignedIn(request, client);
        RecordClientAsked(id, client);

        if (!Youtube.TryGetValue(id, out var behaviour))
            return Json(Recorded("2022-08_notavailable_INVALID_ID_", "player-WEB.json"));
        return Json(behaviour switch
        {
            YoutubeBehaviour.Private => Recorded("2026-07_notavailable-privatecontent", "reel-ANDROID.json")["playerResponse"]!,
            YoutubeBehaviour.BotCheck => BotCheck(),
            YoutubeBehaviour.Live => Recorded("2026-07_livestream_X4VbdwhkE10", "player-VISIONOS.json"),
            YoutubeBehaviour.NeedsCookies when !signedIn => BotCheck(),
            YoutubeBehaviour.CipherOnly when client == "VISIONOS" => SabrOnly(Visionos(id)),
            YoutubeBehaviour.NotOnVisionos or YoutubeBehaviour.OnlyWeb when client == "VISIONOS" => Recorded("2026-07_ratingsdisabled_it3OtbTxQk0", "player-VISIONOS.json"),
            YoutubeBehaviour.OnlyWeb when client == "WEB_EMBEDDED_PLAYER" => EmbeddingDisabled(),
            YoutubeBehaviour.OnlyWeb when client is not ("WEB" or "TVHTML5") => Unplayable("This video is not available"),
            YoutubeBehaviour.OnlyWeb when client == "TVHTML5" && signedIn => Unplayable("This video is not available"),
            _ => As2026Client(id, client, sts, signedIn),
        });
    }

    /// <summary>What a playable video's player response is for each client.</summary>
    private JsonNode As2026Client(string id, string client, string? sts, bool signedIn) => client switch
    {
        "VISIONOS" => Visionos(id),
        // Ciphers are only valid for the player version whose signature timestamp came with the request.
        "WEB_EMBEDDED_PLAYER" when sts == SignatureTimestamp => Ciphered(PlayablePlayerResponse(id, client)),
        "TVHTML5" when !signedIn => BotCheck(),
        "TVHTML5" when sts == SignatureTimestamp => Ciphered(PlayablePlayerResponse(id, client)),
        "WEB" or "ANDROID_VR" => PlayablePlayerResponse(id, client, needsPoToken: true),
        _ => Unplayable("Please update your app."),
    };

    private bool IsSignedIn(HttpRequest request, string client)
    {
        if (SignedInSapisid is not { } sapisid || !request.Cookies.TryGetValue("SAPISID", out var sent) || sent != sapisid)
            return false;
        if (!client.StartsWith("WEB", StringComparison.Ordinal))
            return true;
        // Web clients must sign: SAPISIDHASH <ts>_<sha1("<ts> <SAPISID> <origin>")>, origin as in X-Origin.
        var origin = request.Headers["X-Origin"].ToString();
        var authorization = request.Headers.Authorization.ToString().Split(' ');
        if (authorization.Length < 2 || authorization[0] != "SAPISIDHASH" || request.Headers["X-Goog-AuthUser"] != "0")
            return false;
        var (timestamp, hash) = (authorization[1].Split('_')[0], authorization[1].Split('_').ElementAtOrDefault(1));
        return hash == Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes($"{timestamp} {sapisid} {origin}")));
    }

    /// <summary>The recorded VISIONOS answer with our formats, each keeping the recorded fields of its itag.</summary>
    private JsonNode Visionos(string id)
    {
        var response = Recorded("2026-07_cclicensed_M4gD1WSo5mA", "player-VISIONOS.json");
        var recorded = response["streamingData"]!["adaptiveFormats"]!.AsArray().ToList();
        Describe(response["videoDetails"]!, id);
        DescribeDetails(response, id);
        var streaming = response["streamingData"]!;
        var media = MediaOf(id);
        // Real VISIONOS answers have no muxed format; the tests' videos keep one, which the 360p cases download.
        streaming["formats"] = new JsonArray(YoutubeFormat(media.Muxed360, recorded, id, "VISIONOS"));
        streaming["adaptiveFormats"] = new JsonArray(media.All.Where(m => m != media.Muxed360).Select(m => YoutubeFormat(m, recorded, id, "VISIONOS")).ToArray());
        RewriteMediaUrls(id, streaming);
        AnnouncePreRoll(id, response);
        return response;
    }

    /// <summary>A recorded direct-URL response with its formats replaced by ours, each keeping the recorded fields of its itag.</summary>
    private JsonNode PlayablePlayerResponse(string id, string client, bool needsPoToken = false)
    {
        var response = Recorded("2026-07_ratingsdisabled_it3OtbTxQk0", "reel-ANDROID.json")["playerResponse"]!;
        Describe(response["videoDetails"]!, id);
        DescribeDetails(response, id);
        var streaming = response["streamingData"]!;
        var recorded = streaming["formats"]!.AsArray().Concat(streaming["adaptiveFormats"]!.AsArray()).ToList();
        var media = MediaOf(id);
        streaming["formats"] = new JsonArray(YoutubeFormat(media.Muxed360, recorded, id, client, needsPoToken));
        streaming["adaptiveFormats"] = new JsonArray(
            media.All.Where(m => m != media.Muxed360).Select(m => YoutubeFormat(m, recorded, id, client, needsPoToken)).ToArray());
        RewriteMediaUrls(id, streaming);
        AnnouncePreRoll(id, response);
        return response;
    }

    /// <summary>Remembers which clients asked for a video, in order: the cut-off cases refuse the first ones' media.</summary>
    private void RecordClientAsked(string id, string client)
    {
        if (client.Length == 0 || !Youtube.ContainsKey(id))
            return;
        var asked = _clientsAsked.GetOrAdd(id, _ => new ConcurrentQueue<string>());
        lock (asked)
        {
            if (!asked.Contains(client))
                asked.Enqueue(client);
        }
    }

    /// <summary>A video with a forced pre-roll announces it in every playable answer; its media is refused until it has played.</summary>
    private void AnnouncePreRoll(string id, JsonNode response)
    {
        if (!_preRolls.TryGetValue(id, out var preRoll))
            return;
        response["adPlacements"] = PreRollPlacement(preRoll.Length);
        _preRolls[id] = (DateTimeOffset.UtcNow, preRoll.Length);
    }

    /// <summary>A pre-roll of the given length as YouTube announces it: a START placement of an in-stream video ad.</summary>
    private static JsonArray PreRollPlacement(TimeSpan length) =>
        JsonNode.Parse("""
            [{"adPlacementRenderer": {
                "config": {"adPlacementConfig": {"kind": "AD_PLACEMENT_KIND_START",
                    "adTimeOffset": {"offsetStartMilliseconds": "0", "offsetEndMilliseconds": "-1"}, "hideCueRangeMarker": true}},
                "renderer": {"linearAdSequenceRenderer": {"linearAds": [{"instreamVideoAdRenderer": {
                    "playerVars": "length_seconds=LENGTH&video_id=adadadadada",
                    "adLayoutLoggingData": {}}}]}}}}]
            """.Replace("LENGTH", length.TotalSeconds.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))!.AsArray();

    private static void Describe(JsonNode details, string id)
    {
        details["videoId"] = id;
        details["title"] = $"Test video {id}: a/b \\ ../ \u202Eevil \U0001F3AC";
        details["lengthSeconds"] = ((int)TestMedia.DurationSeconds).ToString(CultureInfo.InvariantCulture);
    }

    private void RewriteMediaUrls(string id, JsonNode streaming)
    {
        if (!MediaUrls.TryGetValue(id, out var rewrite))
            return;
        foreach (var format in Formats(streaming))
            format["url"] = rewrite(new Uri(format["url"]!.GetValue<string>())).ToString();
    }

    /// <summary>Every format's URL turned into a signatureCipher with the 2026 player's known s and n inputs.</summary>
    private static JsonNode Ciphered(JsonNode response)
    {
        foreach (var format in Formats(response["streamingData"]!))
        {
            var direct = format["url"]!.GetValue<string>();
            var url = direct.Replace($"&n={Uri.EscapeDataString(DirectN)}", "", StringComparison.Ordinal) + $"&checkcipher=1&n={Uri.EscapeDataString(CipherN)}";
            format.Remove("url");
            format["signatureCipher"] = $"s={Uri.EscapeDataString(CipherS)}&sp=sig&url={Uri.EscapeDataString(url)}";
        }
        return response;
    }

    /// <summary>YouTube forcing SABR: formats with neither a URL nor a cipher.</summary>
    private static JsonNode SabrOnly(JsonNode response)
    {
        foreach (var format in Formats(response["streamingData"]!))
            format.Remove("url");
        return response;
    }

    private static IEnumerable<JsonObject> Formats(JsonNode streaming) =>
        (streaming["formats"]?.AsArray() ?? []).Concat(streaming["adaptiveFormats"]?.AsArray() ?? []).OfType<JsonObject>();

    private JsonNode YoutubeFormat(MediaFile media, List<JsonNode?> recorded, string id, string client, bool needsPoToken = false)
    {
        var entry = (recorded.FirstOrDefault(f => f?["itag"]?.GetValue<int>() == media.Itag) ?? recorded[0])!.DeepClone().AsObject();
        entry.Remove("signatureCipher");
        entry["itag"] = media.Itag;
        var url = $"/media/{media.Name}?expire=1999999999&itag={media.Itag}&v={id}&c={client}&n={Uri.EscapeDataString(DirectN)}";
        entry["url"] = new Uri(BaseUrl, needsPoToken ? url + "&needpot=1" : url).ToString();
        entry["mimeType"] = media.MimeType;
        entry["bitrate"] = media.Bitrate;
        entry["contentLength"] = media.Length.ToString(CultureInfo.InvariantCulture);
        entry["approxDurationMs"] = ((int)(TestMedia.DurationSeconds * 1000)).ToString(CultureInfo.InvariantCulture);
        foreach (var field in (string[])["width", "height", "fps", "qualityLabel", "initRange", "indexRange"])
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

    /// <summary>What googlevideo refuses with 403: a signature or n that was not deciphered, a missing or wrong PO token.</summary>
    private static bool RefusesStream(IQueryCollection query) =>
        (query["checkcipher"] == "1" && (query["sig"] != CipherSig || query["n"] != CipherNAnswer))
        || (query["needpot"] == "1" && query["pot"] != PoTokenFor(query["v"].ToString()));

    /// <summary>What a datacenter address gets (yt-dlp #15583): the recorded refusal, with the bot check's words.</summary>
    private static JsonNode BotCheck()
    {
        var response = Recorded("2024-11_agerestricted_rwcfPqbAx-0", "player-WEB-fields.json");
        response["playabilityStatus"] = new JsonObject
        {
            ["status"] = "LOGIN_REQUIRED",
            ["reason"] = "Sign in to confirm you\u2019re not a bot",
            ["messages"] = new JsonArray("This helps protect our community. Learn more"),
        };
        return response;
    }

    private static JsonNode Unplayable(string reason)
    {
        var response = Recorded("2026-07_ratingsdisabled_it3OtbTxQk0", "player-VISIONOS.json");
        response["playabilityStatus"]!["reason"] = reason;
        return response;
    }

    private static JsonNode EmbeddingDisabled()
    {
        var response = Unplayable("Playback on other websites has been disabled by the video owner.");
        response["playabilityStatus"]!["playableInEmbed"] = false;
        return response;
    }

    private async Task<IResult> GetPoTokenAsync(HttpRequest request)
    {
        var body = await JsonNode.ParseAsync(request.Body);
        var binding = body?["content_binding"]?.GetValue<string>();
        if (string.IsNullOrEmpty(binding))
            return Results.Json(new { error = "content_binding is required" }, statusCode: 400);
        PoTokenRequests.Enqueue(binding);
        return Results.Json(new { poToken = PoTokenFor(binding), contentBinding = binding, expiresAt = DateTimeOffset.UtcNow.AddHours(6).ToString("O") });
    }
}
