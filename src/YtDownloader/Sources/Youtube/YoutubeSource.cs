using YtDownloader.Sources.Youtube.Player;
using System.Diagnostics;
using YtDownloader.Urls;

namespace YtDownloader.Sources.Youtube;

/// <summary>
/// YouTube through our own InnerTube client: first a client whose answer has direct URLs, then one whose
/// answer needs the player JavaScript. Every answer is handled by its shape, whichever client was asked.
/// </summary>
internal sealed class YoutubeSource(
    InnerTubeClient innerTube, PlayerScriptCache playerScripts, YoutubeOrigin origin, TimeProvider time, ILogger<YoutubeSource> logger)
    : IVideoSource
{
    public string Name => "YouTube";

    public async Task<VideoInfo> GetVideoAsync(VideoId id, IReadOnlySet<string> refused, CancellationToken cancellationToken)
    {
        var failures = new List<YtDownloaderException>();
        foreach (var client in InnerTubeClientProfile.FallbackOrder.Where(c => !refused.Contains($"{Name} {c.Name}")))
        {
            try
            {
                return await GetVideoAsAsync(id, client, cancellationToken);
            }
            catch (YtDownloaderException ex)
            {
                logger.LogInformation("YouTube's {Client} client failed for {VideoId}: {Error}", client.Name, id, ex.Message);
                failures.Add(ex);
            }
        }

        if (failures.Count == 0)
            throw new SourceFailedException("Every YouTube client's streams were already refused for this video.");
        // Prefer a verdict about the video to a complaint about one client's answer.
        throw VideoUnavailableException.MostTelling(failures) ?? failures[^1];
    }

    private async Task<VideoInfo> GetVideoAsAsync(VideoId id, InnerTubeClientProfile client, CancellationToken cancellationToken)
    {
        int? signatureTimestamp = client.SendsSignatureTimestamp
            ? (await playerScripts.GetCurrentAsync(cancellationToken)).SignatureTimestamp
            : null;
        var json = await innerTube.GetPlayerAsync(id, client, signatureTimestamp, cancellationToken);
        var response = PlayerResponse.Parse(json, id);

        if (response.SabrOnlyFormatCount > 0)
            logger.LogInformation(
                "Left out {Count} formats of {VideoId} from the {Client} client: they have no URL nor cipher and stream only through SABR",
                response.SabrOnlyFormatCount, id, client.Name);

        var formats = await ResolveUrlsAsync(response.Formats, cancellationToken);
        if (formats.Count == 0)
            throw new SourceFailedException($"YouTube's {client.Name} client offered no downloadable stream for this video.");

        var now = time.GetUtcNow();
        return new VideoInfo(
            id, response.Title, response.Author, response.Duration, response.Thumbnails.Select(OnOrigin).ToList(), formats, Name,
            response.ExpiresIn is { } expiresIn ? now + expiresIn : null, Client: client.Name,
            PlayableAt: response.ForcedPreRoll is { } preRoll ? now + preRoll : null);
    }

    private async Task<List<MediaFormat>> ResolveUrlsAsync(IReadOnlyList<PlayerFormat> formats, CancellationToken cancellationToken)
    {
        var needsScript = formats.Any(f => f.Locator is StreamLocator.Ciphered || StreamUrl.GetN(Locate(f.Locator)) is not null);
        var script = needsScript ? await playerScripts.GetCurrentAsync(cancellationToken) : null;

        var resolved = new List<MediaFormat>(formats.Count);
        foreach (var format in formats)
        {
            try
            {
                resolved.Add(format.Format with { Url = new Uri(Resolve(format.Locator, script)) });
            }
            catch (Exception ex) when (ex is PlayerScriptException or UriFormatException)
            {
                logger.LogWarning("Left out format {Itag}: its URL could not be made usable ({Error})", format.Format.Itag, ex.Message);
            }
        }
        return resolved;
    }

    private Thumbnail OnOrigin(Thumbnail thumbnail) =>
        Uri.TryCreate(thumbnail.Url, UriKind.Absolute, out var url) ? thumbnail with { Url = origin.Rewrite(url).ToString() } : thumbnail;

    private static string Locate(StreamLocator locator) => locator switch
    {
        StreamLocator.Direct direct => direct.Url,
        StreamLocator.Ciphered ciphered => ciphered.Url,
        _ => throw new UnreachableException(),
    };

    private static string Resolve(StreamLocator locator, PlayerScript? script)
    {
        var url = locator switch
        {
            StreamLocator.Direct direct => direct.Url,
            StreamLocator.Ciphered ciphered => StreamUrl.WithParameter(
                ciphered.Url, ciphered.SignatureParameter, script!.DecipherSignature(ciphered.Signature)),
            _ => throw new UnreachableException(),
        };
        return StreamUrl.GetN(url) is { } n ? StreamUrl.WithParameter(url, "n", script!.TransformN(n)) : url;
    }
}
