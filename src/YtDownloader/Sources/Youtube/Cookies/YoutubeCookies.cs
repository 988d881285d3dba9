using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace YtDownloader.Sources.Youtube.Cookies;

/// <summary>
/// The signed-in account's cookies (<c>Youtube:CookiesFile</c>), turned into the headers a YouTube request carries.
/// The file is read at start and again whenever it changes (its time or size, checked on each use: a browser
/// exporter rewrites it whole); a rewrite that does not parse is logged with its line and the cookies read before are
/// kept. Values go into request headers only: never into a log line, an answer or an error.
/// </summary>
internal sealed class YoutubeCookies
{
    /// <summary>The host whose cookies are sent: YouTube's own, also when a stand-in origin is configured for it.</summary>
    private const string YoutubeHost = "www.youtube.com";

    private static readonly (string Cookie, string Scheme)[] SapisidHashes =
        [("SAPISID", "SAPISIDHASH"), ("__Secure-1PAPISID", "SAPISID1PHASH"), ("__Secure-3PAPISID", "SAPISID3PHASH")];

    private readonly string? _path;
    private readonly TimeProvider _time;
    private readonly ILogger<YoutubeCookies> _logger;
    private readonly Lock _gate = new();
    private (DateTime WrittenAt, long Length) _version;
    private IReadOnlyList<Cookie> _cookies = [];

    public YoutubeCookies(IOptions<YoutubeOptions> options, TimeProvider time, ILogger<YoutubeCookies> logger)
    {
        _path = string.IsNullOrWhiteSpace(options.Value.CookiesFile) ? null : options.Value.CookiesFile;
        _time = time;
        _logger = logger;
        if (_path is not null)
        {
            // Options validation has already refused a file that does not parse: this read is expected to succeed.
            _version = VersionOf(_path);
            _cookies = Read(_path);
        }
    }

    /// <summary>Whether a cookies file is configured: the service then asks as a signed-in user.</summary>
    public bool IsConfigured => _path is not null;

    /// <summary>Reads and parses a cookies file, as at start.</summary>
    /// <exception cref="CookieFileException">It does not parse; the message names the line.</exception>
    /// <exception cref="IOException">It cannot be read.</exception>
    public static IReadOnlyList<Cookie> Read(string path) => NetscapeCookieFile.Parse(File.ReadAllText(path));

    /// <summary>
    /// The headers of a request to the YouTube origin: <c>Cookie</c>, and for a web client the <c>SAPISIDHASH</c>
    /// authorization with <c>X-Origin</c> and <c>X-Goog-AuthUser</c>. Empty when no cookie applies.
    /// </summary>
    /// <param name="origin">The origin the request claims (its <c>Origin</c> header), which the hash signs.</param>
    public IReadOnlyList<(string Name, string Value)> HeadersFor(Uri requestUrl, string origin, bool signed)
    {
        var now = _time.GetUtcNow();
        // Secure cookies need a secure channel: https, or a stand-in on this machine (the tests' local YouTube).
        var secureChannel = requestUrl.Scheme == Uri.UriSchemeHttps || requestUrl.IsLoopback;
        var applicable = Current().Where(c => c.AppliesTo(YoutubeHost, requestUrl.AbsolutePath, secureChannel, now)).ToList();
        if (applicable.Count == 0)
            return [];

        var headers = new List<(string, string)> { ("Cookie", string.Join("; ", applicable.Select(c => $"{c.Name}={c.Value}"))) };
        if (signed && Authorization(applicable, origin, now) is { } authorization)
        {
            headers.Add(("Authorization", authorization));
            headers.Add(("X-Origin", origin));
            headers.Add(("X-Goog-AuthUser", "0"));
        }
        return headers;
    }

    /// <summary>
    /// <c>SAPISIDHASH &lt;ts&gt;_&lt;sha1("&lt;ts&gt; &lt;SAPISID&gt; &lt;origin&gt;")&gt;</c>, and the same with the 1P and 3P
    /// variants when those cookies exist, space-separated: what YouTube's own web pages send.
    /// </summary>
    internal static string? Authorization(IReadOnlyList<Cookie> cookies, string origin, DateTimeOffset now)
    {
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        string? ValueOf(string name) => cookies.FirstOrDefault(c => c.Name == name)?.Value;
        var parts = new List<string>();
        foreach (var (cookie, scheme) in SapisidHashes)
        {
            // Browsers that only keep the secure variant: it signs as SAPISID too.
            var value = ValueOf(cookie) ?? (cookie == "SAPISID" ? ValueOf("__Secure-3PAPISID") : null);
            if (value is null)
                continue;
            var hash = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes($"{timestamp} {value} {origin}")));
            parts.Add($"{scheme} {timestamp}_{hash}");
        }
        return parts.Count == 0 ? null : string.Join(' ', parts);
    }

    private IReadOnlyList<Cookie> Current()
    {
        if (_path is null)
            return [];
        lock (_gate)
        {
            (DateTime, long) version;
            try
            {
                version = VersionOf(_path);
            }
            catch (IOException ex)
            {
                _logger.LogWarning("The cookies file {Path} cannot be read ({Error}); the cookies read before are used", _path, ex.Message);
                return _cookies;
            }
            if (version == _version)
                return _cookies;
            _version = version;
            try
            {
                _cookies = Read(_path);
                _logger.LogInformation("Read the changed cookies file {Path}: {Count} cookies", _path, _cookies.Count);
            }
            catch (Exception ex) when (ex is CookieFileException or IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning("The changed cookies file {Path} was not taken: {Error} The cookies read before are used", _path, ex.Message);
            }
            return _cookies;
        }
    }

    private static (DateTime, long) VersionOf(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new FileNotFoundException($"The cookies file {path} does not exist.", path);
        return (info.LastWriteTimeUtc, info.Length);
    }
}
