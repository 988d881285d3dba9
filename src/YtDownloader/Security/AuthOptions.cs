using System.Net;
using Microsoft.Extensions.Options;

namespace YtDownloader.Security;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Keys that open <c>/api/*</c>; callers send one as <c>Authorization: Bearer</c> or <c>X-Api-Key</c>.</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>Serve the API without a key on a non-loopback address: only on purpose, e.g. behind an authenticating proxy.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>The keys actually in force: an empty environment variable is not a key.</summary>
    public IReadOnlyList<string> EffectiveKeys => ApiKeys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => k.Trim()).ToList();
}

/// <summary>
/// Refuses to start an open instance: without an API key, every address the service is told to listen on must
/// be loopback, since anyone who reaches the API can fill the bucket and use the server's bandwidth.
/// </summary>
internal sealed class ListenAddressValidator(IConfiguration configuration) : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        if (options.EffectiveKeys.Count > 0 || options.AllowAnonymous)
            return ValidateOptionsResult.Success;
        var exposed = ConfiguredListenUrls(configuration).Where(u => !IsLoopback(u)).ToList();
        return exposed.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Refusing to start: the service would listen on {string.Join(", ", exposed)}, which other machines can reach, "
                + "and no API key is configured, so anyone could use it. Set an API key (environment variable "
                + "Auth__ApiKeys__0=<a long random string>; clients send it as 'Authorization: Bearer <key>'), "
                + "or listen on loopback only (--urls http://localhost:8080), "
                + "or set Auth__AllowAnonymous=true if the service is protected some other way.");
    }

    /// <summary>ASPNETCORE_URLS / --urls, ASPNETCORE_HTTP(S)_PORTS (every interface) and Kestrel's endpoint settings.</summary>
    internal static IEnumerable<string> ConfiguredListenUrls(IConfiguration configuration)
    {
        foreach (var url in (configuration[WebHostDefaults.ServerUrlsKey] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            yield return url;
        foreach (var key in (string[])[WebHostDefaults.HttpPortsKey, WebHostDefaults.HttpsPortsKey])
        {
            foreach (var port in (configuration[key] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                yield return $"http://*:{port}";
        }
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { Length: > 0 } url)
                yield return url;
        }
    }

    internal static bool IsLoopback(string url)
    {
        // Kestrel's own wildcards (*, +) are not valid URI hosts: read the host by hand.
        var rest = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        var authority = rest.Split('/')[0];
        var host = authority.StartsWith('[') ? authority[..(authority.IndexOf(']') + 1)] : authority.Split(':')[0];
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            return true;
        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }
}
