using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace YtDownloader.Security;

/// <summary>
/// What the text of a request may hold: no control characters where it is logged or stored, and JSON bodies in
/// UTF-8 only, refused with the reason before any endpoint runs rather than failing inside one.
/// </summary>
public static class RequestText
{
    /// <summary>The longest request target (path and query) answered; Kestrel's own default request line limit.</summary>
    public const int MaxTargetLength = 8 * 1024;

    /// <summary>
    /// What Kestrel itself reads before it gives up with a bare 414: well above <see cref="MaxTargetLength"/>, so that
    /// a target between the two gets its 414 from here, with a body that says why.
    /// </summary>
    public const int KestrelRequestLineLimit = 128 * 1024;

    internal static async Task RefuseLongTargetsAsync(HttpContext context, RequestDelegate next)
    {
        var target = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        if (target.Length > MaxTargetLength)
        {
            await context.WriteProblemAsync(StatusCodes.Status414UriTooLong, "URL too long",
                $"The request's URL is {target.Length} characters long; this server takes up to {MaxTargetLength}. "
                + "A YouTube link is far shorter: send the link alone, without what follows it.");
            return;
        }
        await next(context);
    }

    /// <summary>Control characters (a raw newline would forge log lines) and the Unicode line and paragraph separators.</summary>
    public static bool HasControlCharacters(string? text) =>
        text is not null && text.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029');

    /// <summary>Refuses a path or a query value with control characters (they are decoded by then: <c>%0A</c> is a newline).</summary>
    internal static async Task RefuseControlCharactersAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var offending = HasControlCharacters(request.Path.Value) ? "path"
            : request.Query.FirstOrDefault(q => HasControlCharacters(q.Key) || q.Value.Any(HasControlCharacters)).Key is { } name
                ? $"query parameter \u201c{Printable(name)}\u201d" : null;
        if (offending is not null)
        {
            await context.WriteProblemAsync(StatusCodes.Status400BadRequest, "Invalid request",
                $"The request's {offending} contains a control character (a newline, a tab, NUL…): remove it and send the request again.");
            return;
        }
        await next(context);
    }

    /// <summary>
    /// A JSON body must be UTF-8, as RFC 8259 says: <c>charset=utf-8</c> in any case, quoted or not, is read as such;
    /// any other charset is 415 (the JSON reader would otherwise fail deep inside with a 500).
    /// </summary>
    internal static async Task RequireUtf8BodiesAsync(HttpContext context, RequestDelegate next)
    {
        var contentType = context.Request.ContentType;
        if (contentType is null || !context.Request.Path.StartsWithSegments(ApiKeyMiddleware.ApiPrefix))
        {
            await next(context);
            return;
        }
        var parsed = MediaTypeHeaderValue.TryParse(contentType, out var mediaType);
        var charset = mediaType?.Parameters.FirstOrDefault(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase));
        if (!parsed || (charset is not null && !HeaderUtilities.RemoveQuotes(charset.Value).Equals("utf-8", StringComparison.OrdinalIgnoreCase)))
        {
            await context.WriteProblemAsync(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                "The body must be JSON in UTF-8: send Content-Type: application/json (with charset=utf-8 or no charset).");
            return;
        }
        if (charset is not null)
        {
            // One spelling for the reader behind, which takes no quotes.
            charset.Value = "utf-8";
            context.Request.ContentType = mediaType!.ToString();
        }
        await next(context);
    }

    private static string Printable(string text) =>
        new(text.Take(40).Select(c => char.IsControl(c) ? '\uFFFD' : c).ToArray());
}
