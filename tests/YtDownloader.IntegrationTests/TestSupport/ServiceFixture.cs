using YtDownloader.Sources;

namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>Generated media, the fake origin and the real S3 server, shared by one test class.</summary>
public class ServiceFixture : IAsyncLifetime
{
    public TestMedia Media { get; } = new();
    public FakeOrigin Origin { get; private set; } = null!;
    public S3TestServer S3 { get; } = new();
    public ServiceFactory Service { get; private set; } = null!;

    public virtual async ValueTask InitializeAsync()
    {
        await Media.InitializeAsync();
        await PrepareMediaAsync(Media);
        Origin = new FakeOrigin(Media);
        await Origin.InitializeAsync();
        await S3.InitializeAsync();
        var settings = ServiceFactory.S3Settings(Origin, S3);
        Configure(settings);
        Service = ServiceFactory.Start(settings);
    }

    /// <summary>The 1080p video as a source describes it, at its URL on the fake origin: for specs that open fetch sessions themselves.</summary>
    public MediaFormat Video1080Format()
    {
        var video = Media.Video1080;
        return new MediaFormat(video.Itag, new Uri(Origin.BaseUrl, $"/media/{video.Name}"), video.MimeType, "mp4",
            "avc1.640028", null, video.Width, video.Height, video.Fps, video.Bitrate, video.Length, null);
    }

    /// <summary>Where a fixture needs other media than the short default files, e.g. larger ones.</summary>
    protected virtual Task PrepareMediaAsync(TestMedia media) => Task.CompletedTask;

    /// <summary>Where a fixture's service differs from the default one, e.g. with API keys.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    public HttpClient CreateClient() => Service.CreateClient();

    /// <summary>The setting that gives a service a jobs database of its own, new and empty (a SQLite file here).</summary>
    public virtual Task<(string Key, string Value)> NewJobsDatabaseAsync() =>
        Task.FromResult(("Jobs:DatabasePath", Path.Combine(Path.GetTempPath(), $"ytd-jobs-{Guid.NewGuid():N}.db")));

    public virtual async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await S3.DisposeAsync();
        await Origin.DisposeAsync();
        await Media.DisposeAsync();
    }
}
