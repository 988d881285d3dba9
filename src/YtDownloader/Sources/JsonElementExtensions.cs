using System.Globalization;
using System.Text.Json;

namespace YtDownloader.Sources;

/// <summary>
/// Lenient readers for third-party JSON: YouTube and Invidious send numbers as strings or numbers,
/// and drop fields at will, so every read tolerates a missing or oddly typed value.
/// </summary>
internal static class JsonElementExtensions
{
    public static JsonElement? GetPropertyOrNull(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    public static string? GetStringOrNull(this JsonElement element, string name) =>
        element.GetPropertyOrNull(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static long? GetInt64OrNull(this JsonElement element, string name) =>
        element.GetPropertyOrNull(name) switch
        {
            { ValueKind: JsonValueKind.Number } n when n.TryGetInt64(out var l) => l,
            { ValueKind: JsonValueKind.Number } n when n.TryGetDouble(out var d) => (long)d,
            { ValueKind: JsonValueKind.String } s when long.TryParse(s.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
            _ => null,
        };

    public static bool? GetBooleanOrNull(this JsonElement element, string name) =>
        element.GetPropertyOrNull(name) switch
        {
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.False } => false,
            _ => null,
        };

    /// <summary>A duration in seconds, zero when missing; clamped to a century so hostile values cannot overflow.</summary>
    public static TimeSpan GetSecondsOrZero(this JsonElement element, string name) =>
        TimeSpan.FromSeconds(Math.Clamp(element.GetInt64OrNull(name) ?? 0, 0, 100L * 365 * 24 * 3600));

    /// <summary>InnerTube's text objects come as <c>{simpleText}</c> or <c>{runs:[{text}]}</c>.</summary>
    public static string? GetText(this JsonElement element)
    {
        if (element.GetStringOrNull("simpleText") is { } simple)
            return simple;
        if (element.GetPropertyOrNull("runs") is { ValueKind: JsonValueKind.Array } runs)
            return string.Concat(runs.EnumerateArray().Select(r => r.GetStringOrNull("text")));
        return null;
    }
}
