using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using YtDownloader.Urls;

namespace YtDownloader.Sources.Youtube;

/// <summary>One of the apps whose identity InnerTube answers to; each gets different kinds of stream URLs.</summary>
internal sealed record InnerTubeClientProfile(
    string Name,
    string Version,
    int NameId,
    string UserAgent,
    bool SendsSignatureTimestamp,
    IReadOnlyDictionary<string, object> ExtraContext)
{
    /// <summary>The Quest app: its answers carry direct URLs, so no player JavaScript is needed.</summary>
    public static readonly InnerTubeClientProfile AndroidVr = new(
        "ANDROID_VR", "1.65.10", 28,
        "com.google.android.apps.youtube.vr.oculus/1.65.10 (Linux; U; Android 12L; eureka-user Build/SQ3A.220605.009.A1) gzip",
        SendsSignatureTimestamp: false,
        new Dictionary<string, object>
        {
            ["deviceMake"] = "Oculus",
            ["deviceModel"] = "Quest 3",
            ["androidSdkVersion"] = 32,
            ["osName"] = "Android",
            ["osVersion"] = "12L",
        });

    /// <summary>The TV app: its answers carry <c>signatureCipher</c>, deciphered with the player JavaScript.</summary>
    public static readonly InnerTubeClientProfile Tv = new(
        "TVHTML5", "7.20250122.15.00", 7,
        "Mozilla/5.0 (PlayStation; PlayStation 4/12.00) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.4 Safari/605.1.15",
        SendsSignatureTimestamp: true,
        new Dictionary<string, object>
        {
            ["deviceMake"] = "Sony",
            ["deviceModel"] = "PlayStation 4",
            ["osName"] = "PlayStation 4",
            ["platform"] = "GAME_CONSOLE",
        });

    public static IReadOnlyList<InnerTubeClientProfile> FallbackOrder { get; } = [AndroidVr, Tv];
}

/// <summary>Calls <c>POST /youtubei/v1/player</c> as a given client.</summary>
internal sealed class InnerTubeClient(HttpClient http, YoutubeOrigin origin)
{
    public async Task<JsonElement> GetPlayerAsync(
        VideoId id, InnerTubeClientProfile client, int? signatureTimestamp, CancellationToken cancellationToken)
    {
        var clientContext = new JsonObject
        {
            ["clientName"] = client.Name,
            ["clientVersion"] = client.Version,
            ["hl"] = "en",
            ["gl"] = "US",
            ["utcOffsetMinutes"] = 0,
        };
        foreach (var (key, value) in client.ExtraContext)
            clientContext[key] = JsonValue.Create(value);

        var body = new JsonObject
        {
            ["context"] = new JsonObject { ["client"] = clientContext },
            ["videoId"] = id.Value,
            ["contentCheckOk"] = true,
            ["racyCheckOk"] = true,
        };
        if (client.SendsSignatureTimestamp && signatureTimestamp is { } sts)
            body["playbackContext"] = new JsonObject
            {
                ["contentPlaybackContext"] = new JsonObject { ["signatureTimestamp"] = sts },
            };

        using var request = new HttpRequestMessage(HttpMethod.Post, origin.Resolve("/youtubei/v1/player?prettyPrint=false"))
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.TryAddWithoutValidation("User-Agent", client.UserAgent);
        request.Headers.Add("X-YouTube-Client-Name", client.NameId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("X-YouTube-Client-Version", client.Version);
        request.Headers.Add("Origin", origin.Origin.GetLeftPart(UriPartial.Authority));

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new SourceFailedException($"YouTube answered HTTP {(int)response.StatusCode} to the {client.Name} client.");
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            return document.RootElement.Clone();
        }
        catch (HttpRequestException ex)
        {
            throw new SourceFailedException($"YouTube could not be reached ({ex.Message}).", ex);
        }
        catch (JsonException ex)
        {
            throw new SourceFailedException("YouTube answered with malformed JSON.", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SourceFailedException("YouTube did not answer in time.", ex);
        }
    }
}
