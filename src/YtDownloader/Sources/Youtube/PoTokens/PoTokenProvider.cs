using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using YtDownloader.Urls;

namespace YtDownloader.Sources.Youtube.PoTokens;

/// <summary>
/// Proof-of-origin tokens from a provider that speaks the bgutil protocol (<c>Youtube:PoTokenProvider</c>):
/// <c>POST {base}/get_pot</c> with <c>{"content_binding": "&lt;video id&gt;"}</c> answers
/// <c>{"poToken", "contentBinding", "expiresAt"}</c>. Each video's token is kept until shortly before it expires.
/// </summary>
internal sealed class PoTokenProvider(HttpClient http, IOptions<YoutubeOptions> options, TimeProvider time)
{
    /// <summary>A token is not handed out this close to its expiry: a download must be able to start with it.</summary>
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(2);

    /// <summary>For a provider that gives no expiry: bgutil's tokens last about six hours.</summary>
    private static readonly TimeSpan AssumedLifetime = TimeSpan.FromHours(1);

    private readonly Uri? _base = options.Value.PoTokenProvider is { } configured
        ? new Uri(configured.AbsoluteUri.EndsWith('/') ? configured.AbsoluteUri : configured.AbsoluteUri + "/")
        : null;
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset ExpiresAt)> _tokens = new(StringComparer.Ordinal);

    public bool IsConfigured => _base is not null;

    /// <summary>A GVS token bound to this video.</summary>
    /// <exception cref="SourceFailedException">No provider is configured, or it failed or answered without a token.</exception>
    public async Task<string> GetTokenAsync(VideoId id, CancellationToken cancellationToken)
    {
        if (_base is null)
            throw new SourceFailedException("This client's streams need a PO token, and no Youtube__PoTokenProvider is configured.");
        var now = time.GetUtcNow();
        if (_tokens.TryGetValue(id.Value, out var cached) && cached.ExpiresAt - ExpiryMargin > now)
            return cached.Token;

        var (token, expiresAt) = await SourceCalls.RunAsync("The PO token provider", async () =>
        {
            using var response = await http.PostAsJsonAsync(new Uri(_base, "get_pot"), new PoTokenRequest(id.Value), YoutubeJson.Default.PoTokenRequest, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new SourceFailedException($"The PO token provider at {_base} answered HTTP {(int)response.StatusCode}.");
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            var root = document.RootElement;
            var poToken = root.GetStringOrNull("poToken");
            if (string.IsNullOrWhiteSpace(poToken))
                throw new SourceFailedException($"The PO token provider at {_base} answered without a poToken{(root.GetStringOrNull("error") is { } error ? $" ({error})" : "")}.");
            return (poToken, ExpiryOf(root) ?? now + AssumedLifetime);
        }, cancellationToken);
        _tokens[id.Value] = (token, expiresAt);
        return token;
    }

    /// <summary><c>expiresAt</c> as an ISO 8601 time (bgutil) or as seconds since 1970.</summary>
    private static DateTimeOffset? ExpiryOf(JsonElement root) => root.GetPropertyOrNull("expiresAt") switch
    {
        { ValueKind: JsonValueKind.String } s when DateTimeOffset.TryParse(s.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) => at,
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt64(out var seconds) && seconds is > 0 and < 100_000_000_000 => DateTimeOffset.FromUnixTimeSeconds(seconds),
        _ => null,
    };
}

/// <summary>What bgutil's provider (and any provider in its shape) is asked: a token bound to this video.</summary>
internal sealed record PoTokenRequest([property: JsonPropertyName("content_binding")] string ContentBinding);
