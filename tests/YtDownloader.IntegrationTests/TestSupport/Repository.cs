namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>The checkout the tests run from: its scripts and README are what a user gets.</summary>
public static class Repository
{
    /// <summary>The folder holding <c>YtDownloader.slnx</c>, found above the tests' build output.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "YtDownloader.slnx")) && File.Exists(Path.Combine(dir.FullName, "scripts", "run.sh")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException($"The repository (YtDownloader.slnx, scripts/run.sh) was not found above {AppContext.BaseDirectory}.");
    }
}
