using Microsoft.Extensions.Options;

namespace YtDownloader.Sources.YtDlp;

/// <summary>Where yt-dlp goes in the chain of sources.</summary>
public enum YtDlpOrder
{
    /// <summary>After our own YouTube client, before Invidious: yt-dlp is asked when our client cannot play a video.</summary>
    AfterYoutube,

    /// <summary>Before our own client: yt-dlp is asked first, our client when yt-dlp fails.</summary>
    First,
}

public sealed class YtDlpOptions
{
    public const string Section = "Sources:YtDlp";

    /// <summary>The yt-dlp executable (a path, or a name on <c>PATH</c>). yt-dlp is not used while this is empty.</summary>
    public string? Path { get; set; }

    public YtDlpOrder Order { get; set; } = YtDlpOrder.AfterYoutube;

    /// <summary>How long one run may take before it is stopped and the next source is asked.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(1);

    public bool IsEnabled => !string.IsNullOrWhiteSpace(Path);
}

/// <summary>Refuses a start whose yt-dlp cannot be found, rather than failing on the first video that needs it.</summary>
internal sealed class YtDlpOptionsValidator : IValidateOptions<YtDlpOptions>
{
    public ValidateOptionsResult Validate(string? name, YtDlpOptions options)
    {
        if (options.Timeout <= TimeSpan.Zero)
            return ValidateOptionsResult.Fail("Sources:YtDlp:Timeout must be positive, e.g. 00:01:00.");
        if (!options.IsEnabled || Resolve(options.Path!) is not null)
            return ValidateOptionsResult.Success;
        return ValidateOptionsResult.Fail(
            $"Sources:YtDlp:Path is \u201c{options.Path}\u201d, but no such file exists{(IsBareName(options.Path!) ? " on PATH" : "")}: "
            + "install yt-dlp and set Sources__YtDlp__Path to its executable, or leave it empty to do without yt-dlp.");
    }

    /// <summary>The executable a path names: the file itself, or for a bare name the first match on <c>PATH</c>.</summary>
    internal static string? Resolve(string path)
    {
        if (!IsBareName(path))
            return File.Exists(path) ? path : null;
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => System.IO.Path.Combine(folder, path))
            .FirstOrDefault(File.Exists);
    }

    private static bool IsBareName(string path) => path.IndexOfAny(['/', '\\']) < 0;
}
