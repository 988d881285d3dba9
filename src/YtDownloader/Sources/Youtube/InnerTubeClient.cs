using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using YtDownloader.Sources.Youtube.Clients;
using YtDownloader.Sources.Youtube.Cookies;
using YtDownloader.Urls;

namespace YtDownloader.Sources.Youtube;

/// <summary>Calls <c>POST /youtubei/v1/player</c> as a given client profile, with its cookies when it takes them.</summary>
internal sealed class InnerTubeClient(HttpClient http, YoutubeOrigin origin, YoutubeCookies cookies)
{
    public async Task<JsonElement> GetPlayerAsync(
        VideoId id, ClientProfile client, int? signatureTimestamp, CancellationToken cancellationToken)
    {
        var clientContext = new JsonObject
        {
            ["clientName"] = client.ClientName,
            ["clientVersion"] = client.ClientVersion,
            ["hl"] = "en",
            ["gl"] = "US",
            ["utcOffsetMinutes"] = 0,
        };
        foreach (var (key, value) in client.Context)
            clientContext[key] = JsonNode.Parse(value.GetRawText());

        var context = new JsonObject { ["client"] = clientContext };
        if (client.EmbedUrl is { } embedUrl)
            context["thirdParty"] = new JsonObject { ["embedUrl"] = embedUrl.ToString() };

        var body = new JsonObject
        {
            ["context"] = context,
            ["videoId"] = id.Value,
            ["contentCheckOk"] = true,
            ["racyCheckOk"] = true,
        };
        if (client.SendsSignatureTimestamp && signatureTimestamp is { } sts)
            body["playbackContext"] = new JsonObject
            {
                ["contentPlaybackContext"] = new JsonObject { ["signatureTimestamp"] = sts },
            };

        var url = origin.Resolve("/youtubei/v1/player?prettyPrint=false");
        var requestOrigin = origin.Origin.GetLeftPart(UriPartial.Authority);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, YoutubeJson.Default.JsonObject) };
        request.Headers.TryAddWithoutValidation("User-Agent", client.UserAgent);
        request.Headers.Add("X-YouTube-Client-Name", client.ClientId.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-YouTube-Client-Version", client.ClientVersion);
        request.Headers.Add("Origin", requestOrigin);
        if (client.EmbedUrl is not null)
            request.Headers.Referrer = client.EmbedUrl;
        if (client.TakesCookies)
        {
            foreach (var (name, value) in cookies.HeadersFor(url, requestOrigin, client.SapisidHash))
                request.Headers.TryAddWithoutValidation(name, value);
        }

        return await SourceCalls.RunAsync("YouTube", async () =>
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new SourceFailedException($"YouTube answered HTTP {(int)response.StatusCode} to the {client.ClientName} client.");
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            return document.RootElement.Clone();
        }, cancellationToken);
    }
}
