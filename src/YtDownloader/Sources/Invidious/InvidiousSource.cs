using System.Text.Json;
using YtDownloader.Urls;

namespace YtDownloader.Sources.Invidious;

/// <summary>
/// One Invidious instance, asked with <c>local=true</c> so that media flows through the instance:
/// googlevideo URLs are tied to the address that asked for them.
/// </summary>
internal sealed class InvidiousSource(HttpClient http, Uri instance) : IVideoSource
{
    public string Name => $"Invidious ({instance.GetLeftPart(UriPartial.Authority)})";

    public async Task<VideoInfo> GetVideoAsync(VideoId id, IReadOnlySet<string> refused, CancellationToken cancellationToken)
    {
        if (refused.Contains(Name))
            throw new SourceFailedException("Its streams were already refused for this video.");
        var url = new Uri(instance, $"api/v1/videos/{id.Value}?local=true");
        return await SourceCalls.RunAsync("The instance", async () =>
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            // Invidious answers errors about the video as JSON with a 4xx/5xx status: read the body either way.
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            JsonDocument document;
            try
            {
                document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            }
            catch (JsonException) when (!response.IsSuccessStatusCode)
            {
                throw new SourceFailedException($"The instance answered HTTP {(int)response.StatusCode}.");
            }
            using (document)
                return InvidiousResponse.Parse(document.RootElement, id, instance, Name);
        }, cancellationToken);
    }
}
