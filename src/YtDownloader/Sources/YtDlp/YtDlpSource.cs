using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using Microsoft.Extensions.Options;
using YtDownloader.Sources.Youtube;
using YtDownloader.Urls;

namespace YtDownloader.Sources.YtDlp;

/// <summary>
/// yt-dlp as a source: it is run once per lookup (<c>yt-dlp -J</c>) to resolve a video our own client cannot,
/// with whatever it knows that we do not (its current client table, its plugins, a PO token provider of its
/// own). Only the video's description is taken from it; the download stays ours, ranged and resumed.
/// </summary>
internal sealed class YtDlpSource(
    IOptions<YtDlpOptions> options, IConfiguration configuration, YoutubeOrigin origin, ILogger<YtDlpSource> logger) : IVideoSource
{
    /// <summary>The cookies file another setting names; read here by its key so that yt-dlp uses the same one as our client.</summary>
    internal const string CookiesFileKey = "Youtube:CookiesFile";

    private readonly YtDlpOptions _options = options.Value;

    // The same proxy every other request of the service goes through (HttpClient honours these too).
    private readonly string? _proxy = new[] { "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy" }
        .Select(Environment.GetEnvironmentVariable).FirstOrDefault(p => !string.IsNullOrWhiteSpace(p));

    public string Name => "yt-dlp";

    public async Task<VideoInfo> GetVideoAsync(VideoId id, IReadOnlySet<string> refused, CancellationToken cancellationToken)
    {
        if (refused.Contains(Name))
            throw new YtDlpFailedException("Its streams were already refused for this video.");

        await using var cookies = await CookiesCopy.CreateAsync(configuration[CookiesFileKey], cancellationToken);
        List<string> arguments = ["-J", "--no-playlist", "--no-warnings"];
        if (cookies is not null)
            arguments.AddRange(["--cookies", cookies.Path]);
        if (_proxy is not null)
            arguments.AddRange(["--proxy", _proxy]);
        arguments.Add($"https://www.youtube.com/watch?v={id.Value}");

        var started = Stopwatch.GetTimestamp();
        var result = await RunAsync(arguments, cancellationToken);
        logger.LogDebug("yt-dlp answered for {VideoId} in {Elapsed} ms with exit code {ExitCode}",
            id, Stopwatch.GetElapsedTime(started).TotalMilliseconds, result.ExitCode);
        if (result.ExitCode != 0)
            throw YtDlpResponse.ErrorToException(WithoutProxyCredentials(YtDlpResponse.ErrorLine(result.StandardError)), result.ExitCode);

        try
        {
            using var json = JsonDocument.Parse(result.StandardOutput);
            return YtDlpResponse.Parse(json.RootElement, id, Name, origin.Rewrite);
        }
        catch (JsonException ex)
        {
            throw new YtDlpFailedException("yt-dlp printed something that is not JSON: is Sources__YtDlp__Path really yt-dlp?", innerException: ex);
        }
    }

    private async Task<BufferedCommandResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            // Cancelling kills the process: a yt-dlp stuck on a network that never answers is not left behind.
            return await Cli.Wrap(_options.Path!)
                .WithArguments(arguments)
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(timeout.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new YtDlpFailedException(
                $"yt-dlp did not answer within {_options.Timeout.TotalSeconds:0.###} s and was stopped (Sources__YtDlp__Timeout).", innerException: ex);
        }
        catch (Win32Exception ex)
        {
            throw new YtDlpFailedException(
                $"yt-dlp could not be started from \u201c{_options.Path}\u201d ({ex.Message}): check Sources__YtDlp__Path.", innerException: ex);
        }
    }

    /// <summary>A proxy's user and password, should yt-dlp repeat its address, never reach an answer or a log.</summary>
    private string? WithoutProxyCredentials(string? text)
    {
        if (text is null || _proxy is null || !Uri.TryCreate(_proxy, UriKind.Absolute, out var proxy) || proxy.UserInfo.Length == 0)
            return text;
        return text.Replace(proxy.UserInfo, "***", StringComparison.Ordinal)
            .Replace(Uri.UnescapeDataString(proxy.UserInfo), "***", StringComparison.Ordinal);
    }

    /// <summary>
    /// A private copy of the cookies file for one run: yt-dlp writes its cookie jar back to the file it was given,
    /// and runs side by side would race on the operator's own file.
    /// </summary>
    private sealed class CookiesCopy(string path) : IAsyncDisposable
    {
        public string Path { get; } = path;

        public static async Task<CookiesCopy?> CreateAsync(string? source, CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(source))
                return null;
            var copy = new CookiesCopy(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"ytd-cookies-{Guid.NewGuid():N}.txt"));
            var privateFile = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
            if (!OperatingSystem.IsWindows())
                privateFile.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            try
            {
                await using var from = File.OpenRead(source);
                await using var to = new FileStream(copy.Path, privateFile);
                await from.CopyToAsync(to, cancellationToken);
                return copy;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await copy.DisposeAsync();
                throw new YtDlpFailedException($"The cookies file ({CookiesFileKey.Replace(":", "__", StringComparison.Ordinal)}) could not be read for yt-dlp: {ex.Message}", innerException: ex);
            }
        }

        public ValueTask DisposeAsync()
        {
            File.Delete(Path);
            return ValueTask.CompletedTask;
        }
    }
}
