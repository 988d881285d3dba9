namespace YtDownloader.Sources.Youtube;

/// <summary>Reads and sets single query parameters of googlevideo URLs without disturbing the others.</summary>
internal static class StreamUrl
{
    public static string? GetN(string url) => GetParameter(url, "n");

    public static string? GetParameter(string url, string name)
    {
        var query = url.IndexOf('?');
        if (query < 0)
            return null;
        foreach (var pair in url[(query + 1)..].Split('&'))
        {
            var eq = pair.IndexOf('=');
            if (eq > 0 && pair.AsSpan(0, eq).SequenceEqual(name))
                return Uri.UnescapeDataString(pair[(eq + 1)..]);
        }
        return null;
    }

    public static string WithParameter(string url, string name, string value)
    {
        var query = url.IndexOf('?');
        var encoded = $"{name}={Uri.EscapeDataString(value)}";
        if (query < 0)
            return $"{url}?{encoded}";
        var pairs = url[(query + 1)..].Split('&').Where(p => !p.StartsWith(name + "=", StringComparison.Ordinal));
        return $"{url[..query]}?{string.Join('&', pairs.Append(encoded))}";
    }
}
