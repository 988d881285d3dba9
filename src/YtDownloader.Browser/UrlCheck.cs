using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;
using YtDownloader.Urls;

namespace YtDownloader.Browser;

/// <summary>The URL library's verdict, as the page's JavaScript calls it.</summary>
[SupportedOSPlatform("browser")]
public static partial class UrlCheck
{
    /// <summary>The video ID of a YouTube link or bare ID, or <see langword="null"/> when the input is rejected.</summary>
    [JSExport]
    public static string? VideoIdOf(string? input) => VideoId.TryParse(input)?.Value;

    /// <summary>Why the input is not a single YouTube video, or <see langword="null"/> when it is one.</summary>
    [JSExport]
    public static string? RejectionOf(string? input) => VideoId.Inspect(input).Error;

    /// <summary>
    /// The playlist or channel a link names, as <c>kind</c>, <c>id</c> and the reason it cannot be listed (empty
    /// when it can), or <see langword="null"/> when it names none. An array, not JSON: the module has no serializer.
    /// </summary>
    [JSExport]
    public static string[]? ListOf(string? input) =>
        YoutubeLink.InspectList(input).List is { } list ? [list.Kind.ToString(), list.Id, list.Unlistable ?? ""] : null;

    /// <summary>Why the link names neither a video nor a list, or <see langword="null"/> when it names one.</summary>
    [JSExport]
    public static string? LinkRejectionOf(string? input) => YoutubeLink.Inspect(input).Error;
}
