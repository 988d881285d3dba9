using System.Globalization;
using System.Text.Json;

namespace YtDownloader.Sources.Youtube;

/// <summary>
/// How long a player response's forced pre-roll ads hold its streams back. YouTube's media servers refuse the content
/// until the ads could have played, so the download waits as long as a watching player would: every video ad placed
/// before the content counts for its skip offset when it can be skipped, else for its length (yt-dlp's rule,
/// <c>_get_available_at_timestamp</c>). Ads come in two shapes: <c>adPlacements</c> of kind
/// <c>AD_PLACEMENT_KIND_START</c>, and <c>adSlots</c> triggered <c>SLOT_TRIGGER_EVENT_BEFORE_CONTENT</c>.
/// </summary>
internal static class PreRollAds
{
    /// <summary>A response cannot make a download wait longer than this, whatever it claims: no real pre-roll comes near.</summary>
    internal static readonly TimeSpan Longest = TimeSpan.FromMinutes(10);

    public static TimeSpan WaitOf(JsonElement response)
    {
        var milliseconds = 0L;
        foreach (var ad in PreRollVideoAds(response))
            milliseconds += WaitOfAd(ad);
        return TimeSpan.FromMilliseconds(Math.Min(milliseconds, (long)Longest.TotalMilliseconds));
    }

    private static IEnumerable<JsonElement> PreRollVideoAds(JsonElement response)
    {
        foreach (var placement in Items(response, "adPlacements"))
        {
            var renderer = placement.GetPropertyOrNull("adPlacementRenderer");
            if (renderer?.GetPropertyOrNull("config")?.GetPropertyOrNull("adPlacementConfig")?.GetStringOrNull("kind") != "AD_PLACEMENT_KIND_START")
                continue;
            var content = renderer?.GetPropertyOrNull("renderer");
            if (content?.GetPropertyOrNull("instreamVideoAdRenderer") is { } single)
                yield return single;
            // The older shape: a sequence of linear ads.
            foreach (var linear in Items(content?.GetPropertyOrNull("linearAdSequenceRenderer"), "linearAds"))
            {
                if (linear.GetPropertyOrNull("instreamVideoAdRenderer") is { } ad)
                    yield return ad;
            }
        }

        foreach (var slot in Items(response, "adSlots"))
        {
            var renderer = slot.GetPropertyOrNull("adSlotRenderer");
            if (renderer?.GetPropertyOrNull("adSlotMetadata")?.GetStringOrNull("triggerEvent") != "SLOT_TRIGGER_EVENT_BEFORE_CONTENT")
                continue;
            var rendering = renderer?.GetPropertyOrNull("fulfillmentContent")?.GetPropertyOrNull("fulfilledLayout")
                ?.GetPropertyOrNull("playerBytesAdLayoutRenderer")?.GetPropertyOrNull("renderingContent");
            if (rendering?.GetPropertyOrNull("instreamVideoAdRenderer") is { } single)
                yield return single;
            foreach (var layout in Items(rendering?.GetPropertyOrNull("playerBytesSequentialLayoutRenderer"), "sequentialLayouts"))
            {
                if (layout.GetPropertyOrNull("playerBytesAdLayoutRenderer")?.GetPropertyOrNull("renderingContent")
                        ?.GetPropertyOrNull("instreamVideoAdRenderer") is { } ad)
                    yield return ad;
            }
        }
    }

    /// <summary>The skip offset of a skippable ad, else its length (<c>length_seconds</c> in its <c>playerVars</c> query string).</summary>
    private static long WaitOfAd(JsonElement ad)
    {
        if (ad.GetInt64OrNull("skipOffsetMilliseconds") is { } skipAfter and >= 0)
            return Math.Min(skipAfter, (long)Longest.TotalMilliseconds);
        if (ad.GetStringOrNull("playerVars") is { } playerVars
            && StreamUrl.GetParameter("?" + playerVars, "length_seconds") is { } length
            && double.TryParse(length, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            return (long)Math.Min(seconds * 1000, Longest.TotalMilliseconds);
        return 0;
    }

    private static IEnumerable<JsonElement> Items(JsonElement? parent, string name) =>
        parent?.GetPropertyOrNull(name) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];
}
