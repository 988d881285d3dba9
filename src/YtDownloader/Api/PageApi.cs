namespace YtDownloader.Api;

/// <summary>The page users open; the real one (with the WebAssembly link check under /pkg/) comes with the browser issue.</summary>
public static class PageApi
{
    private const string Placeholder = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>YtDownloader</title></head>
        <body>
        <h1>YtDownloader</h1>
        <p>The service is running. The page is on its way; meanwhile use the API:</p>
        <ul>
          <li><code>GET /api/video?url=https://youtu.be/VIDEO_ID</code> lists the qualities.</li>
          <li><code>POST /api/upload-s3</code> with <code>{"url": "…", "quality": "1280x720"}</code> stores the video.</li>
        </ul>
        </body>
        </html>
        """;

    public static IEndpointRouteBuilder MapPageApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => TypedResults.Content(Placeholder, "text/html; charset=utf-8")).ExcludeFromDescription();
        return app;
    }
}
