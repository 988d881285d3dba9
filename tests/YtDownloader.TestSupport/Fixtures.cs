namespace YtDownloader.Tests.TestSupport;

/// <summary>Finds the recorded YouTube responses in <c>shared/fixtures/youtube</c>, next to or above the repository.</summary>
public static class Fixtures
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The absolute path of the <c>shared/fixtures/youtube</c> folder.</summary>
    public static string Root => RootPath.Value;

    /// <summary>A path inside the fixtures folder, e.g. <c>Path("2021-11_controversial_T4XJQO3qol8", "player-WEB.json")</c>.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot() =>
        FindAbove(AppContext.BaseDirectory)
        // Built with --artifacts-path outside the repository: start from where this source file lives instead.
        ?? FindAbove(System.IO.Path.GetDirectoryName(SourceFile()) ?? "")
        ?? throw new DirectoryNotFoundException($"Could not find shared/fixtures/youtube above {AppContext.BaseDirectory}.");

    private static string SourceFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;

    private static string? FindAbove(string start)
    {
        if (start.Length == 0)
            return null;
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[]
                     {
                         System.IO.Path.Combine(dir.FullName, "shared", "fixtures", "youtube"),
                         System.IO.Path.Combine(dir.FullName, "..", "shared", "fixtures", "youtube"),
                     })
            {
                if (Directory.Exists(candidate))
                    return System.IO.Path.GetFullPath(candidate);
            }
        }
        return null;
    }
}
