namespace YtDownloader.Sources.Youtube;

public sealed class YoutubeOptions
{
    public const string Section = "Youtube";
    public static readonly Uri DefaultOrigin = new("https://www.youtube.com");

    /// <summary>
    /// Where every YouTube host (www.youtube.com, youtubei.googleapis.com, i.ytimg.com…) is reached, with the
    /// same paths: one mirror, proxy or test origin stands in for all of them. Media URLs are used as given.
    /// </summary>
    public Uri Origin { get; set; } = DefaultOrigin;

    /// <summary>How long the current player version is trusted before <c>/iframe_api</c> is asked again.</summary>
    public TimeSpan PlayerVersionLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long a player version's engine (tens of megabytes) stays loaded after its last question; the prepared code
    /// stays, so the version reloads in a fraction of a second.
    /// </summary>
    public TimeSpan PlayerIdleTime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The client profiles to ask, in order, by name; empty for the default order (<see cref="Clients.ClientOrder"/>).</summary>
    public List<string> Clients { get; set; } = [];

    /// <summary>A JSON file whose profiles replace (field by field) or add to the built-in ones.</summary>
    public string? ClientProfiles { get; set; }

    /// <summary>A Netscape <c>cookies.txt</c> of a signed-in account, sent with the clients that take cookies.</summary>
    public string? CookiesFile { get; set; }

    /// <summary>Base URL of a PO token provider speaking the bgutil protocol (<c>POST {base}/get_pot</c>).</summary>
    public Uri? PoTokenProvider { get; set; }
}

/// <summary>
/// Refuses at start what would fail on the first video: an origin or provider that is not an http(s) URL, a client
/// profile that is wrong, an unknown client in the order, a cookies file that is missing or malformed (by line).
/// </summary>
internal sealed class YoutubeOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<YoutubeOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, YoutubeOptions options)
    {
        var failures = new List<string>();
        if (!options.Origin.IsAbsoluteUri || options.Origin.Scheme is not ("http" or "https"))
            failures.Add("Youtube:Origin must be an http(s) URL.");
        if (options.PlayerIdleTime < TimeSpan.FromSeconds(1))
            failures.Add("Youtube:PlayerIdleTime must be at least one second, e.g. 00:05:00.");
        if (options.PoTokenProvider is { } provider && (!provider.IsAbsoluteUri || provider.Scheme is not ("http" or "https")))
            failures.Add("Youtube:PoTokenProvider must be the http(s) base URL of a PO token provider, e.g. http://127.0.0.1:4416.");
        try
        {
            Clients.ClientOrder.Resolve(options, Clients.ClientProfileSet.Load(options.ClientProfiles));
        }
        catch (ClientProfileException ex)
        {
            failures.Add(ex.Message);
        }
        if (!string.IsNullOrWhiteSpace(options.CookiesFile))
        {
            try
            {
                Cookies.YoutubeCookies.Read(options.CookiesFile);
            }
            catch (CookieFileException ex)
            {
                failures.Add($"Youtube:CookiesFile ({options.CookiesFile}): {ex.Message}");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                failures.Add($"Youtube:CookiesFile ({options.CookiesFile}) cannot be read: {ex.Message}");
            }
        }
        return failures.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(failures);
    }
}
