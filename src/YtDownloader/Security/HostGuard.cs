using System.Net;
using Microsoft.Extensions.Options;
using YtDownloader.Operations;

namespace YtDownloader.Security;

public sealed class ServerOptions
{
    public const string Section = "Server";

    /// <summary>
    /// Where users reach the service, e.g. <c>https://videos.example</c> behind a proxy: every link the service hands
    /// out starts with it. When empty, links start with the request's checked host name (see <see cref="HostGuard"/>).
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }
}

/// <summary>The base of every link a request is answered with, known once <see cref="HostGuard"/> has checked the host.</summary>
public sealed record PublicBaseUrl(Uri Value)
{
    public static Uri Of(HttpContext context) =>
        context.Features.Get<PublicBaseUrl>()?.Value
        ?? throw new InvalidOperationException("The host guard did not run for this request.");
}

/// <summary>
/// Answers only to the host names this instance is meant to be reached by, before any other work. Without an API
/// key that is loopback's names: a page the user opens elsewhere could otherwise rebind its own name to 127.0.0.1
/// (DNS rebinding) and drive the API from the user's browser. With keys, <c>AllowedHosts</c> names them.
/// A missing or malformed host (HTTP/1.0 without one, a port beyond 65535) is refused too: links are built from it.
/// </summary>
internal sealed class HostGuard
{
    public const string AllowedHostsKey = "AllowedHosts";
    private static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "[::1]"];

    private readonly RequestDelegate _next;
    private readonly Uri? _publicBaseUrl;
    private readonly bool _loopbackOnly;

    // Null when any host is accepted: then links are built from the address the connection arrived at, never the header.
    private readonly string[]? _allowed;

    public HostGuard(RequestDelegate next, IOptions<AuthOptions> auth, IOptions<ServerOptions> server, IConfiguration configuration)
    {
        _next = next;
        _publicBaseUrl = server.Value.PublicBaseUrl;
        var configured = ConfiguredHosts(configuration);
        var listed = configured.Length > 0 && !configured.Contains("*");
        _loopbackOnly = !listed && auth.Value.EffectiveKeys.Count == 0;
        _allowed = listed ? configured : _loopbackOnly ? LoopbackNames : null;
    }

    /// <summary><c>AllowedHosts</c>, separated by semicolons; <c>*</c> for any.</summary>
    internal static string[] ConfiguredHosts(IConfiguration configuration) =>
        (configuration[AllowedHostsKey] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public async Task InvokeAsync(HttpContext context)
    {
        // Health probes come by address (a container's IP, a load balancer's check) and hand out nothing.
        if (context.Request.Path.StartsWithSegments(ReadinessChecks.LivenessPath))
        {
            await _next(context);
            return;
        }
        var host = context.Request.Host;
        if (!IsWellFormed(host))
        {
            await context.WriteProblemAsync(StatusCodes.Status400BadRequest, "Invalid host",
                "The request has no valid Host header (a host name and, optionally, a port from 1 to 65535): send the name the service is reached at.");
            return;
        }
        if (_allowed is not null && !_allowed.Any(allowed => Matches(host.Host, allowed)))
        {
            await context.WriteProblemAsync(StatusCodes.Status400BadRequest, "Host not allowed", _loopbackOnly
                ? "Without an API key this service answers only to localhost, 127.0.0.1 and [::1] (so that a web page elsewhere cannot "
                  + "reach it through DNS rebinding): open it as http://localhost:<port>, or set an API key and list its name in AllowedHosts."
                : "This host name is not one the service is configured to answer to: use one listed in AllowedHosts.");
            return;
        }
        context.Features.Set(new PublicBaseUrl(BaseUrl(context)));
        await _next(context);
    }

    private Uri BaseUrl(HttpContext context)
    {
        var request = context.Request;
        if (_publicBaseUrl is not null)
            return _publicBaseUrl.AbsoluteUri.EndsWith('/') ? _publicBaseUrl : new Uri(_publicBaseUrl.AbsoluteUri + "/");
        if (_allowed is not null)
            return new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/");
        // Any host is accepted: the header is the caller's word, so the address the connection arrived at is used instead.
        var address = context.Connection.LocalIpAddress ?? IPAddress.Loopback;
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        var endpoint = new IPEndPoint(address, context.Connection.LocalPort);
        return new Uri($"{request.Scheme}://{endpoint}{request.PathBase}/");
    }

    /// <summary>A name (or address) and at most a port from 1 to 65535: what a link can be built from.</summary>
    private static bool IsWellFormed(HostString host)
    {
        if (!host.HasValue || host.Host.Length == 0)
            return false;
        var name = host.Host;
        var port = host.Value![name.Length..];
        if (port.Length > 0 && !(port[0] == ':' && port.Length is >= 2 and <= 6 && port[1..].All(char.IsAsciiDigit)
            && int.Parse(port[1..], System.Globalization.CultureInfo.InvariantCulture) is >= 1 and <= 65535))
            return false;
        return Uri.CheckHostName(name.Trim('[', ']')) != UriHostNameType.Unknown;
    }

    /// <summary>The name exactly (any case, any port), <c>*.example.com</c> for the names under it.</summary>
    private static bool Matches(string host, string allowed) =>
        allowed.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(allowed[1..], StringComparison.OrdinalIgnoreCase)
            : host.Equals(allowed, StringComparison.OrdinalIgnoreCase);
}
