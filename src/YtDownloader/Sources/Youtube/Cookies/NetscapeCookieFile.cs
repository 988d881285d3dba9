using System.Globalization;

namespace YtDownloader.Sources.Youtube.Cookies;

/// <summary>One cookie of a <c>cookies.txt</c>. Its value is a secret: never put it in a message.</summary>
internal sealed record Cookie(string Domain, bool IncludeSubdomains, string Path, bool Secure, DateTimeOffset? Expires, string Name, string Value)
{
    /// <summary>Whether the cookie goes with a request to this host and path at this time, as a browser decides.</summary>
    public bool AppliesTo(string host, string path, bool secureChannel, DateTimeOffset now)
    {
        if (Secure && !secureChannel)
            return false;
        if (Expires is { } expires && expires <= now)
            return false;
        var domain = Domain.TrimStart('.');
        var domainMatches = host.Equals(domain, StringComparison.OrdinalIgnoreCase)
            || (IncludeSubdomains && host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase));
        return domainMatches && path.StartsWith(Path, StringComparison.Ordinal);
    }
}

/// <summary>
/// Reads the Netscape <c>cookies.txt</c> format every browser exporter writes: one cookie per line, seven
/// tab-separated fields (domain, include-subdomains, path, secure, expiry, name, value); <c>#</c> starts a comment,
/// except <c>#HttpOnly_</c>, which prefixes the domain of an HTTP-only cookie.
/// </summary>
internal static class NetscapeCookieFile
{
    private const string HttpOnlyPrefix = "#HttpOnly_";

    /// <exception cref="CookieFileException">A line is not a cookie; the message names the line, never its content.</exception>
    public static IReadOnlyList<Cookie> Parse(string text)
    {
        var cookies = new List<Cookie>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            if (line.StartsWith(HttpOnlyPrefix, StringComparison.Ordinal))
                line = line[HttpOnlyPrefix.Length..];
            else if (line.TrimStart().StartsWith('#') || line.Trim().Length == 0)
                continue;

            var fields = line.Split('\t');
            if (fields.Length != 7)
                throw new CookieFileException(lineNumber,
                    $"it has {fields.Length} tab-separated field{(fields.Length == 1 ? "" : "s")}, where a cookie has 7 (domain, include-subdomains, path, secure, expiry, name, value)");
            var (domain, path, name) = (fields[0].Trim(), fields[2].Trim(), fields[5].Trim());
            if (domain.Length == 0)
                throw new CookieFileException(lineNumber, "its domain (field 1) is empty");
            if (path.Length == 0 || path[0] != '/')
                throw new CookieFileException(lineNumber, "its path (field 3) does not start with /");
            if (name.Length == 0)
                throw new CookieFileException(lineNumber, "its name (field 6) is empty");
            cookies.Add(new Cookie(
                domain,
                Flag(fields[1], lineNumber, "include-subdomains (field 2)"),
                path,
                Flag(fields[3], lineNumber, "secure (field 4)"),
                Expiry(fields[4], lineNumber),
                name,
                fields[6]));
        }
        return cookies;
    }

    private static bool Flag(string field, int line, string what) => field.Trim().ToUpperInvariant() switch
    {
        "TRUE" => true,
        "FALSE" => false,
        _ => throw new CookieFileException(line, $"its {what} is neither TRUE nor FALSE"),
    };

    /// <summary>Seconds since 1970; 0 for a session cookie. Some exporters write fractions.</summary>
    private static DateTimeOffset? Expiry(string field, int line)
    {
        if (!double.TryParse(field.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds < 0 || double.IsNaN(seconds))
            throw new CookieFileException(line, "its expiry (field 5) is not a number of seconds since 1970");
        if (seconds == 0)
            return null;
        return seconds >= DateTimeOffset.MaxValue.ToUnixTimeSeconds() ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeSeconds((long)seconds);
    }
}
