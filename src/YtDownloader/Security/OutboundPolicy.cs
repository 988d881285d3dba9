using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using YtDownloader.Sources.Invidious;
using YtDownloader.Sources.Youtube;

namespace YtDownloader.Security;

/// <summary>
/// Who the server may contact. Hosts named in configuration (the YouTube origin, each Invidious instance, the PO token provider) are
/// trusted as configured, at their exact host and port, even on a private network: the operator chose them.
/// Hosts a response merely points at (googlevideo, and YouTube's own hosts when the origin is YouTube) are
/// reached only on public addresses, checked on the address actually connected to, so a DNS answer that
/// changes between check and connect cannot smuggle a request to loopback, the cloud metadata service or the LAN.
/// </summary>
public sealed class OutboundPolicy
{
    private static readonly string[] MediaDomains = ["googlevideo.com"];

    private readonly HashSet<(string Host, int Port)> _configured;
    private readonly string[] _domains;

    public OutboundPolicy(IOptions<YoutubeOptions> youtube, IOptions<InvidiousOptions> invidious)
    {
        var origin = youtube.Value.Origin;
        Uri[] configured = [.. invidious.Value.Instances, origin, .. youtube.Value.PoTokenProvider is { } provider ? [provider] : Array.Empty<Uri>()];
        _configured = [.. configured.Select(u => (Normalize(u.IdnHost), u.Port))];
        _domains = YoutubeOrigin.IsUnder(origin.IdnHost, "youtube.com") ? [.. MediaDomains, .. YoutubeOrigin.OwnDomains] : MediaDomains;
    }

    /// <summary>Throws unless the URL may be fetched at all; where it may connect is checked again in <see cref="ConnectAsync"/>.</summary>
    public void Check(Uri url)
    {
        if (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https"))
            throw new OutboundRequestRefusedException(
                $"Refused to fetch a {(url.IsAbsoluteUri ? url.Scheme : "relative")} URL: only http and https are used.");
        if (!IsConfigured(url.IdnHost, url.Port) && !IsKnownName(url.IdnHost))
            throw Refused(url.IdnHost, url.Port, "it is not YouTube, a YouTube media host (*.googlevideo.com) or a configured Invidious instance");
    }

    /// <summary>The connect step of every outbound HTTP connection: resolves, checks the addresses, connects to a checked one.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (Normalize(context.DnsEndPoint.Host), context.DnsEndPoint.Port);
        var trusted = IsConfigured(host, port) || IsConfiguredProxy(context.InitialRequestMessage.RequestUri, host, port);
        if (!trusted && !IsKnownName(host))
            throw Refused(host, port, "it is not YouTube, a YouTube media host (*.googlevideo.com) or a configured Invidious instance");

        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
        if (!trusted)
        {
            addresses = addresses.Where(IsPublic).ToArray();
            if (addresses.Length == 0)
                throw Refused(host, port, "it resolves to a loopback, link-local or private address");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Whether an address is on the public internet: not loopback, link-local, private, shared, multicast or reserved.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 or >= 224
                || (b[0] == 100 && b[1] is >= 64 and < 128)   // 100.64/10, carrier-grade NAT
                || (b[0] == 169 && b[1] == 254)               // link-local, cloud metadata services
                || (b[0] == 172 && b[1] is >= 16 and < 32)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2) // IETF protocol assignments, documentation
                || (b[0] == 198 && b[1] is 18 or 19)          // benchmarking
                || (b[0] == 198 && b[1] == 51 && b[2] == 100)
                || (b[0] == 203 && b[1] == 0 && b[2] == 113));
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return false;
        var v6 = address.GetAddressBytes();
        return !(IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6Any)
            || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || (v6[0] & 0xFE) == 0xFC                                     // fc00::/7, unique local
            || (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x0D && v6[3] == 0xB8) // 2001:db8::/32, documentation
            || (v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xFF && v6[3] == 0x9B)); // 64:ff9b::/96, NAT64 onto any IPv4
    }

    private bool IsConfigured(string host, int port) => _configured.Contains((Normalize(host), port));

    private bool IsKnownName(string host) =>
        !IPAddress.TryParse(Normalize(host), out _) && _domains.Any(d => YoutubeOrigin.IsUnder(host, d));

    /// <summary>The proxy from HTTP_PROXY / HTTPS_PROXY is the operator's choice, like a configured source.</summary>
    private static bool IsConfiguredProxy(Uri? requested, string host, int port) =>
        requested is not null && HttpClient.DefaultProxy.GetProxy(requested) is { } proxy
        && proxy != requested && Normalize(proxy.IdnHost) == host && proxy.Port == port;

    private static string Normalize(string host) => host.Trim('[', ']').TrimEnd('.').ToLowerInvariant();

    private static OutboundRequestRefusedException Refused(string host, int port, string reason) =>
        new($"Refused to contact {host}:{port}: {reason}. The server only fetches from the sources it is configured with.");
}

/// <summary>
/// Checks every request against the <see cref="OutboundPolicy"/> before it is sent, and follows redirects itself
/// so that each hop is checked too (the primary handler's own redirects are turned off).
/// </summary>
internal sealed class OutboundPolicyHandler(OutboundPolicy policy) : DelegatingHandler
{
    private const int MaxRedirects = 5;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var hop = 0; ; hop++)
        {
            policy.Check(request.RequestUri!);
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException ex) when (ex.InnerException is OutboundRequestRefusedException refused)
            {
                // Refused in the connect step: a refusal, not a network failure to retry.
                throw new OutboundRequestRefusedException(refused.Message);
            }

            if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location
                || (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head))
                return response;
            if (hop == MaxRedirects)
            {
                response.Dispose();
                throw new OutboundRequestRefusedException($"Refused to follow more than {MaxRedirects} redirects from {request.RequestUri!.IdnHost}.");
            }
            var next = new Uri(request.RequestUri!, location);
            response.Dispose();
            request = Redirected(request, next);
        }
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static HttpRequestMessage Redirected(HttpRequestMessage request, Uri target)
    {
        var next = new HttpRequestMessage(request.Method, target) { Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (var (name, values) in request.Headers)
            next.Headers.TryAddWithoutValidation(name, values);
        foreach (var (key, value) in request.Options)
            ((IDictionary<string, object?>)next.Options)[key] = value;
        return next;
    }
}

/// <summary>
/// Puts every HttpClient the factory makes, named now or added later, under the <see cref="OutboundPolicy"/>.
/// It runs after each client's own configuration, so no registration order can leave a client unguarded.
/// </summary>
internal sealed class OutboundPolicyFilter(OutboundPolicy policy) : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
    {
        next(builder);
        // The default HttpClientHandler hides the connect step: a SocketsHttpHandler exposes it.
        if (builder.PrimaryHandler is HttpClientHandler)
            builder.PrimaryHandler = new SocketsHttpHandler();
        if (builder.PrimaryHandler is SocketsHttpHandler sockets)
        {
            sockets.ConnectCallback = policy.ConnectAsync;
            sockets.AllowAutoRedirect = false; // OutboundPolicyHandler follows redirects, checking each hop
        }
        // Last, so innermost: inside any resilience handler, a refusal is checked on every attempt and never retried.
        builder.AdditionalHandlers.Add(new OutboundPolicyHandler(policy));
    };
}
