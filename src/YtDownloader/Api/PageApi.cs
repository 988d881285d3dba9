using System.Text.RegularExpressions;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace YtDownloader.Api;

/// <summary>
/// The page users open (<c>wwwroot</c>, served at <c>/</c>) and the WebAssembly link check it loads from
/// <c>/pkg/</c>: the module's published files, sent precompressed when the browser accepts it.
/// </summary>
public static partial class PageApi
{
    public const string ModulePath = "/pkg";

    // The module's files, published with the server's build into pkg/ beside the app (see YtDownloader.csproj).
    private static readonly string ModuleFolder = Path.Combine(AppContext.BaseDirectory, "pkg");

    private static readonly (string Encoding, string Extension)[] Precompressed = [("br", ".br"), ("gzip", ".gz")];

    public static WebApplication UsePage(this WebApplication app)
    {
        app.UseDefaultFiles();
        // The page's own files are tiny and change with every release: always revalidated (ETag, 304).
        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = "no-cache" });

        if (!Directory.Exists(ModuleFolder))
        {
            // The page still works without it: it says so and lets the server check links.
            app.Logger.LogWarning("The browser link-check module is missing from {Folder}; the page will use the server's check", ModuleFolder);
            return app;
        }

        var files = new PhysicalFileProvider(ModuleFolder);
        app.UseWhen(c => c.Request.Path.StartsWithSegments(ModulePath), module => module.Use((context, next) =>
        {
            ChoosePrecompressedFile(context, files);
            return next(context);
        }));
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = ModulePath,
            FileProvider = files,
            ContentTypeProvider = new PrecompressedContentTypes(),
            OnPrepareResponse = SetModuleHeaders,
        });
        return app;
    }

    /// <summary>Sends <c>x.wasm.br</c> for <c>x.wasm</c> when the browser accepts Brotli (else gzip, else the file itself).</summary>
    private static void ChoosePrecompressedFile(HttpContext context, IFileProvider files)
    {
        var subpath = context.Request.Path.Value![ModulePath.Length..];
        context.Response.Headers.Vary = HeaderNames.AcceptEncoding;
        var accepted = context.Request.GetTypedHeaders().AcceptEncoding;
        foreach (var (encoding, extension) in Precompressed)
        {
            var acceptsIt = accepted.Any(a => a.Value.Equals(encoding, StringComparison.OrdinalIgnoreCase) && a.Quality is not 0);
            if (acceptsIt && files.GetFileInfo(subpath + extension).Exists)
            {
                context.Request.Path += extension;
                return;
            }
        }
    }

    private static void SetModuleHeaders(StaticFileResponseContext context)
    {
        var headers = context.Context.Response.Headers;
        var (name, encoding) = WithoutCompressionSuffix(context.File.Name);
        if (encoding is not null)
            headers.ContentEncoding = encoding;
        // The SDK names each file it fingerprints "name.<10-character hash>.ext"; only dotnet.js, the entry, keeps its name.
        headers.CacheControl = FingerprintedName().IsMatch(name) ? "public, max-age=31536000, immutable" : "no-cache";
    }

    private static (string Name, string? Encoding) WithoutCompressionSuffix(string name)
    {
        foreach (var (encoding, extension) in Precompressed)
        {
            if (name.EndsWith(extension, StringComparison.Ordinal))
                return (name[..^extension.Length], encoding);
        }
        return (name, null);
    }

    [GeneratedRegex(@"\.[0-9a-z]{10}\.[a-z]+$")]
    private static partial Regex FingerprintedName();

    /// <summary>A compressed file has the type of what it holds: <c>x.wasm.br</c> is <c>application/wasm</c>.</summary>
    private sealed class PrecompressedContentTypes : IContentTypeProvider
    {
        private readonly FileExtensionContentTypeProvider _types = new();

        public bool TryGetContentType(string subpath, out string contentType) =>
            _types.TryGetContentType(WithoutCompressionSuffix(subpath).Name, out contentType!);
    }
}
