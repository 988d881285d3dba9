using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace YtDownloader.Security;

/// <summary>
/// Guards every <c>/api/*</c> route, present and future, by path rather than per endpoint, so an endpoint
/// added later cannot be left open by forgetting an attribute. The page, its files and health probes stay open.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<AuthOptions> options)
{
    public const string ApiPrefix = "/api";
    public const string OpenApiPrefix = "/openapi";
    public const string KeyHeader = "X-Api-Key";
    public const string ClientClaim = "ytd-client";

    // Keys are compared by their SHA-256, so neither their content nor their length shows in the comparison time.
    private readonly byte[][] _keyHashes = options.Value.EffectiveKeys.Select(Hash).ToArray();

    public async Task InvokeAsync(HttpContext context)
    {
        if (_keyHashes.Length == 0 || !IsGuarded(context.Request.Path))
        {
            await next(context);
            return;
        }

        var presented = PresentedKey(context.Request);
        var index = presented is null ? -1 : Match(Hash(presented));
        if (index < 0)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await context.WriteProblemAsync(StatusCodes.Status401Unauthorized, "API key required", presented is null
                ? "This service needs an API key: send it as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'."
                : "The API key is not valid: check it with the service's operator.");
            return;
        }

        // Rate limits are per key: which key, not the key itself, identifies the client from here on.
        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClientClaim, $"key-{index}")], "ApiKey"));
        await next(context);
    }

    /// <summary>The API and its description: <c>/api/*</c> (the reference page included) and <c>/openapi/*</c>.</summary>
    internal static bool IsGuarded(PathString path) => path.StartsWithSegments(ApiPrefix) || path.StartsWithSegments(OpenApiPrefix);

    private static string? PresentedKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return authorization["Bearer ".Length..].Trim();
        return request.Headers.TryGetValue(KeyHeader, out var key) && key.ToString() is { Length: > 0 } value ? value.Trim() : null;
    }

    /// <summary>Checks every key, whatever matched, so the time taken does not tell which key came close.</summary>
    private int Match(byte[] presentedHash)
    {
        var found = -1;
        for (var i = 0; i < _keyHashes.Length; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(_keyHashes[i], presentedHash))
                found = i;
        }
        return found;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
