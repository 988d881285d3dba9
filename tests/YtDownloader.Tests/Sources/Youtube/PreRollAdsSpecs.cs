using System.Text.Json;
using YtDownloader.Sources.Youtube;
using YtDownloader.Tests.TestSupport;

namespace YtDownloader.Tests.Sources.Youtube;

public sealed class PreRollAdsSpecs
{
    private const string Unskippable = """{"instreamVideoAdRenderer":{"playerVars":"suppress_creator_endscreen=1&length_seconds=15&video_id=x"}}""";
    private const string Skippable = """{"instreamVideoAdRenderer":{"skipOffsetMilliseconds":5000,"playerVars":"length_seconds=200"}}""";

    private static string Placement(string kind, string renderer) =>
        "{\"adPlacementRenderer\":{\"config\":{\"adPlacementConfig\":{\"kind\":\"" + kind + "\"}},\"renderer\":" + renderer + "}}";

    private static string Slot(string trigger, string renderingContent) =>
        "{\"adSlotRenderer\":{\"adSlotMetadata\":{\"triggerEvent\":\"" + trigger + "\"},\"fulfillmentContent\":{\"fulfilledLayout\":"
        + "{\"playerBytesAdLayoutRenderer\":{\"renderingContent\":" + renderingContent + "}}}}}";

    private static string Sequence(params string[] ads) =>
        "{\"playerBytesSequentialLayoutRenderer\":{\"sequentialLayouts\":["
        + string.Join(",", ads.Select(a => "{\"playerBytesAdLayoutRenderer\":{\"renderingContent\":" + a + "}}")) + "]}}";

    private static string Response(string[]? placements = null, string[]? slots = null) =>
        "{" + string.Join(",", new[]
        {
            placements is null ? null : "\"adPlacements\":[" + string.Join(",", placements) + "]",
            slots is null ? null : "\"adSlots\":[" + string.Join(",", slots) + "]",
        }.OfType<string>()) + "}";

    private const string Start = "AD_PLACEMENT_KIND_START";
    private const string BeforeContent = "SLOT_TRIGGER_EVENT_BEFORE_CONTENT";

    public static TheoryData<string, string, double> Responses() => new()
    {
        { "no ads", "{}", 0 },
        { "no placements", Response(placements: []), 0 },
        { "an unskippable start ad counts for its length", Response([Placement(Start, Unskippable)]), 15 },
        { "a skippable start ad counts for its skip offset", Response([Placement(Start, Skippable)]), 5 },
        { "mid-roll and end placements do not hold the start back",
            Response([Placement("AD_PLACEMENT_KIND_MILLISECONDS", Unskippable), Placement("AD_PLACEMENT_KIND_END", Unskippable)]), 0 },
        { "a start placement that only forecasts an ad", Response([Placement(Start, """{"clientForecastingAdRenderer":{}}""")]), 0 },
        { "the older linear sequence: every ad in it",
            Response([Placement(Start, """{"linearAdSequenceRenderer":{"linearAds":[""" + Unskippable + "," + Skippable + "]}}")]), 20 },
        { "a slot before the content", Response(slots: [Slot(BeforeContent, Unskippable)]), 15 },
        { "a slot before the content with a sequence of two", Response(slots: [Slot(BeforeContent, Sequence(Unskippable, Skippable))]), 20 },
        { "a slot triggered by something else (a mid-roll cue)", Response(slots: [Slot("SLOT_TRIGGER_EVENT_LAYOUT_ID_ENTERED", Unskippable)]), 0 },
        { "placements and slots add up", Response([Placement(Start, Skippable)], [Slot(BeforeContent, Unskippable)]), 20 },
        { "a length that is not a number", Response([Placement(Start, """{"instreamVideoAdRenderer":{"playerVars":"length_seconds=abc"}}""")]), 0 },
        { "a skip offset as a string", Response([Placement(Start, """{"instreamVideoAdRenderer":{"skipOffsetMilliseconds":"2500"}}""")]), 2.5 },
        { "a hostile length is held to the longest wait",
            Response([Placement(Start, """{"instreamVideoAdRenderer":{"playerVars":"length_seconds=99999999"}}""")]), 600 },
        { "wrongly typed lists", """{"adPlacements":{"x":1},"adSlots":[1,null,"x",{"adSlotRenderer":[]}]}""", 0 },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public void The_forced_wait_is_the_sum_of_the_pre_roll_ads(string _, string json, double seconds)
    {
        PreRollAds.WaitOf(JsonDocument.Parse(json).RootElement).ShouldBe(TimeSpan.FromSeconds(seconds));
    }

    [Theory]
    // A recorded 2023 web answer: one skippable pre-roll (skip after 5 s, 200 s long) and a self-start companion.
    [InlineData("2023-02_descriptiveaudio_TjxC-evzxdk/player-WEB.json", 5)]
    // Recorded TV answers with a start placement that only forecasts an ad.
    [InlineData("2025-02_relatedmix-tvhtml5-cipher_K4DyBUG242c/player-TVHTML5.json", 0)]
    [InlineData("2023-03_dubbedaudio__8W2LIfl5RE/player-WEB.json", 0)]
    [InlineData("2026-07_cclicensed_M4gD1WSo5mA/player-VISIONOS.json", 0)]
    public void The_forced_wait_of_recorded_responses(string file, double seconds)
    {
        var root = JsonDocument.Parse(File.ReadAllText(Fixtures.Path(file.Split('/')))).RootElement;

        PreRollAds.WaitOf(root).ShouldBe(TimeSpan.FromSeconds(seconds));
    }
}
