using System.Diagnostics;
using YtDownloader.Sources.Youtube.Clients;
using YtDownloader.Sources.Youtube.Player;
using YtDownloader.Sources.Youtube.PoTokens;
using YtDownloader.Urls;

namespace YtDownloader.Sources.Youtube;

/// <summary>
/// YouTube through our own InnerTube client: each client of the <see cref="ClientOrder"/> in turn, until one answers
/// with streams. Every answer is handled by its shape (direct URLs, ciphers, <c>n</c>), whichever client was asked;
/// a client whose streams need a PO token gets one from the provider on every media URL.
/// </summary>
internal sealed class YoutubeSource(
    InnerTubeClient innerTube,
    PlayerScriptCache playerScripts,
    ClientOrder order,
    PoTokenProvider poTokens,
    SourceHealth health,
    YoutubeOrigin origin,
    TimeProvider time,
    ILogger<YoutubeSource> logger)
    : IVideoSource
{
    public string Name => "YouTube";

    public async Task<VideoInfo> GetVideoAsync(VideoId id, IReadOnlySet<string> refused, CancellationToken cancellationToken)
    {
        var attempts = new List<(string Client, YtDownloaderException Error)>();
        foreach (var client in order.Clients.Where(c => !refused.Contains($"{Name} {c.ClientName}")))
        {
            var (video, error) = await AttemptAsync(id, client, cancellationToken);
            if (video is not null)
                return video;
            attempts.Add((client.ToString(), error!));
            // Every client goes to the same hosts: when one got no answer at all, the next would wait as long for none.
            if (IsUnreachable(error))
                break;
        }

        if (attempts.Count == 0)
            throw new SourceFailedException("Every YouTube client's streams were already refused for this video.");
        if (!IsUnreachable(attempts[^1].Error) && order.PoTokenProbe is { } probe && await PlaysWithoutTokenAsync(id, probe, cancellationToken))
            attempts.Add((probe.ToString(), new VideoUnavailableException(UnavailableReason.PoTokenRequired,
                $"Only YouTube's {probe.ClientName} client plays this video here, and its streams are refused without a proof-of-origin (PO) token: "
                + "configure Youtube__PoTokenProvider with a bgutil-compatible provider (e.g. http://127.0.0.1:4416).",
                "plays it, but its streams need a PO token (asked without one, to see)")));
        throw new AllClientsFailedException(attempts);
    }

    private static bool IsUnreachable(YtDownloaderException? error) => error is SourceFailedException { Unreachable: true };

    /// <summary>One client's attempt, the one place where it succeeds or fails.</summary>
    private async Task<(VideoInfo? Video, YtDownloaderException? Error)> AttemptAsync(
        VideoId id, ClientProfile client, CancellationToken cancellationToken)
    {
        try
        {
            return (await health.TrackAsync(Name, client.ToString(), () => GetVideoAsAsync(id, client, cancellationToken)), null);
        }
        catch (YtDownloaderException ex)
        {
            logger.LogInformation("YouTube's {Client} client failed for {VideoId}: {Error}", client, id, ex.Message);
            return (null, ex);
        }
    }

    /// <summary>Whether a client left out for want of a token would play the video: its player answer has streams.</summary>
    private async Task<bool> PlaysWithoutTokenAsync(VideoId id, ClientProfile client, CancellationToken cancellationToken)
    {
        try
        {
            var response = PlayerResponse.Parse(await AskAsync(id, client, cancellationToken), id);
            return response.Formats.Count > 0;
        }
        catch (YtDownloaderException ex)
        {
            logger.LogInformation("YouTube's {Client} client, asked without a PO token, does not play {VideoId} either: {Error}", client, id, ex.Message);
            return false;
        }
    }

    private async Task<System.Text.Json.JsonElement> AskAsync(VideoId id, ClientProfile client, CancellationToken cancellationToken)
    {
        int? signatureTimestamp = client.SendsSignatureTimestamp && client.NeedsPlayerJs
            ? (await playerScripts.GetCurrentAsync(cancellationToken)).SignatureTimestamp
            : null;
        return await innerTube.GetPlayerAsync(id, client, signatureTimestamp, cancellationToken);
    }

    private async Task<VideoInfo> GetVideoAsAsync(VideoId id, ClientProfile client, CancellationToken cancellationToken)
    {
        var response = PlayerResponse.Parse(await AskAsync(id, client, cancellationToken), id);

        if (response.SabrOnlyFormatCount > 0)
            logger.LogInformation(
                "Left out {Count} formats of {VideoId} from the {Client} client: they have no URL nor cipher and stream only through SABR",
                response.SabrOnlyFormatCount, id, client);

        var formats = await ResolveUrlsAsync(response.Formats, client, cancellationToken);
        if (formats.Count == 0)
            throw new SourceFailedException(response.SabrOnlyFormatCount > 0
                ? $"YouTube's {client.ClientName} client offered only SABR streams (YouTube's own streaming protocol, not supported), no downloadable one."
                : $"YouTube's {client.ClientName} client offered no downloadable stream for this video.");
        if (client.NeedsPoToken)
        {
            var token = await poTokens.GetTokenAsync(id, cancellationToken);
            formats = formats.Select(f => f with { Url = new Uri(StreamUrl.WithParameter(f.Url.OriginalString, "pot", token)) }).ToList();
        }

        var now = time.GetUtcNow();
        return new VideoInfo(
            id, response.Title, response.Author, response.Duration, response.Thumbnails.Select(OnOrigin).ToList(), formats, Name,
            response.ExpiresIn is { } expiresIn ? now + expiresIn : null,
            Client: client.ClientName,
            PlayableAt: response.PreRoll > TimeSpan.Zero ? now + response.PreRoll : null,
            Description: response.Description,
            PublishedOn: response.PublishedOn,
            Captions: response.Captions.Select(c => c with { VttUrl = origin.Rewrite(c.VttUrl) }).ToList());
    }

    private async Task<List<MediaFormat>> ResolveUrlsAsync(IReadOnlyList<PlayerFormat> formats, ClientProfile client, CancellationToken cancellationToken)
    {
        var needsScript = formats.Any(f => f.Locator is StreamLocator.Ciphered)
            || (client.NeedsPlayerJs && client.TransformsN && formats.Any(f => StreamUrl.GetN(Locate(f.Locator)) is not null));
        // A client that needs no JavaScript still gets its n transformed when the player happens to be prepared.
        var script = needsScript ? await playerScripts.GetCurrentAsync(cancellationToken) : playerScripts.TryGetPrepared();
        var transformN = client.TransformsN && script is not null;

        var resolved = new List<MediaFormat>(formats.Count);
        foreach (var format in formats)
        {
            try
            {
                resolved.Add(format.Format with { Url = new Uri(Resolve(format.Locator, script, transformN)) });
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

    private static string Resolve(StreamLocator locator, PlayerScript? script, bool transformN)
    {
        var url = locator switch
        {
            StreamLocator.Direct direct => direct.Url,
            StreamLocator.Ciphered ciphered => StreamUrl.WithParameter(
                ciphered.Url, ciphered.SignatureParameter, script!.DecipherSignature(ciphered.Signature)),
            _ => throw new UnreachableException(),
        };
        return transformN && StreamUrl.GetN(url) is { } n ? StreamUrl.WithParameter(url, "n", script!.TransformN(n)) : url;
    }
}
