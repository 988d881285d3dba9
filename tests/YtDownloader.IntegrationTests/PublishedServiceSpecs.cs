using System.Net;
using CliWrap;
using CliWrap.Buffered;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>
/// The service published as <c>scripts/run.sh</c>, the benches and <c>deploy/</c> run it (compiled ahead of time to
/// one native executable: <c>scripts/publish-here.sh</c>), once for the class, with its build kept apart from
/// the checkout's (<c>--artifacts-path</c>) so that it never races the tests' own build; and a PostgreSQL server for
/// its jobs.
/// </summary>
public sealed class PublishedServiceFixture : PostgresServiceFixture
{
    private readonly DirectoryInfo _workspace = Directory.CreateTempSubdirectory("ytd-published-");

    /// <summary>The published folder; the <c>YtDownloader</c> executable in it is what a user starts.</summary>
    public string Folder => Path.Combine(_workspace.FullName, "service");

    public string Executable => Path.Combine(Folder, "YtDownloader");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        // A publish into a build folder of its own restores, trims and compiles to native code: minutes on a busy machine.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        var publish = await Cli.Wrap("bash")
            .WithArguments([Path.Combine(Repository.Root, "scripts", "publish-here.sh"), Folder, "--artifacts-path", Path.Combine(_workspace.FullName, "build")])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(timeout.Token);
        publish.ExitCode.ShouldBe(0, publish.StandardError + publish.StandardOutput);
    }

    /// <summary>
    /// The published service on the test S3 bucket and the fake origin, with its jobs in a new PostgreSQL database,
    /// and any <paramref name="more"/> settings.
    /// </summary>
    public async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?>? more = null)
    {
        var settings = ServiceFactory.S3Settings(Origin, S3);
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
            settings[key] = value;
        var (database, connection) = await NewJobsDatabaseAsync();
        settings[database] = connection;
        return await ServerProcess.StartAsync(settings, Executable);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        // The published service and its separate build are hundreds of megabytes.
        _workspace.Delete(recursive: true);
    }
}

/// <summary>
/// What compiling to native code could break, run on the published service: the compiler keeps only what it sees
/// called and cannot make code at run time, so anything reached by reflection or generic instantiation (JSON bodies,
/// options binding, the OpenAPI document, metrics, the player's JavaScript engine, PostgreSQL, the S3 SDK, ffmpeg's
/// and yt-dlp's processes) is exercised here as a user meets it.
/// </summary>
public sealed class PublishedServiceSpecs(PublishedServiceFixture fixture) : IClassFixture<PublishedServiceFixture>
{
    [Fact]
    public async Task The_published_service_is_native_code_with_no_runtime_to_load()
    {
        await using var service = await fixture.StartAsync();

        var mapped = await File.ReadAllTextAsync($"/proc/{service.Pid}/maps");
        mapped.ShouldContain(fixture.Executable);
        mapped.ShouldNotContain("libcoreclr.so", customMessage: "no JIT runtime is loaded");
        mapped.ShouldNotContain("System.Private.CoreLib.dll");
        Directory.GetFiles(fixture.Folder, "*.dll").ShouldBeEmpty("the service's code is all in its executable");
    }

    [Fact]
    public async Task The_published_service_answers_every_curl_example_of_the_README_as_the_README_shows()
    {
        fixture.Origin.Youtube["dQw4w9WgXcQ"] = YoutubeBehaviour.Playable;
        await using var service = await fixture.StartAsync();

        var failures = await ReadmeExamplesSpecs.DisagreementsAsync(service.BaseUrl);

        failures.ShouldBeEmpty(string.Join("\n\n", failures) + "\n\nThe service wrote:\n" + string.Join('\n', service.Output));
    }

    [Theory]
    [InlineData("1080p", null, "h264", "aac")] // our own merge of DASH H.264 and AAC
    [InlineData("480p", null, "vp9", "aac")] // our own merge of WebM VP9 and DASH AAC
    [InlineData("audio", "mp3", null, "mp3")] // ffmpeg, encoding
    public async Task A_ciphered_video_is_deciphered_merged_and_stored_by_the_published_service(string quality, string? format, string? video, string audio)
    {
        var id = ("p" + Guid.NewGuid().ToString("N"))[..11];
        // Only the embedded player plays it, with signatureCipher URLs: the player's JavaScript must run (Jint).
        fixture.Origin.Youtube[id] = YoutubeBehaviour.CipherOnly;
        await using var service = await fixture.StartAsync();
        using var http = service.CreateClient();

        var (status, job, _) = await http.CreateJobAsync(id, quality, format);
        status.ShouldBe(HttpStatusCode.Accepted, job.ToString());
        var ended = await http.WaitForEndAsync(job.Text("id"), TimeSpan.FromMinutes(2));

        ended.Text("phase").ShouldBe("done", ended + string.Join('\n', service.Output));
        var stored = await fixture.S3.DownloadAsync(ended.GetProperty("result").Text("key"), Directory.CreateTempSubdirectory("ytd-published-").FullName);
        var probe = await Ffprobe.ProbeAsync(stored);
        probe.Streams.Where(s => s.CodecType == "video" && s.IsPlayable).Select(s => s.CodecName).SingleOrDefault().ShouldBe(video);
        probe.Audio.CodecName.ShouldBe(audio);
        probe.Duration.ShouldBe(TestMedia.DurationSeconds, tolerance: 0.2);
        (await fixture.S3.ListOpenUploadsAsync()).ShouldNotContain(u => u.Key.Contains(id, StringComparison.Ordinal));
        (await http.ListJobsAsync()).ShouldContain(j => j.Text("id") == job.Text("id"), "the job is listed from PostgreSQL");
    }

    [Fact]
    public async Task A_video_only_yt_dlp_resolves_is_read_from_yt_dlps_JSON_and_stored_by_the_published_service()
    {
        var id = ("y" + Guid.NewGuid().ToString("N"))[..11];
        fixture.Origin.Youtube[id] = YoutubeBehaviour.BotCheck;
        var ytDlp = new YtDlpStandIn();
        ytDlp.Serve(id, fixture.Origin, fixture.Media);
        await using var service = await fixture.StartAsync(new Dictionary<string, string?> { ["Sources:YtDlp:Path"] = ytDlp.WrapperPath });
        using var http = service.CreateClient();

        var (status, job, _) = await http.CreateJobAsync(id, "720p");
        status.ShouldBe(HttpStatusCode.Accepted, job.ToString());
        var ended = await http.WaitForEndAsync(job.Text("id"), TimeSpan.FromMinutes(2));

        ended.Text("phase").ShouldBe("done", ended + string.Join('\n', service.Output));
        ended.Text("provider").ShouldStartWith("yt-dlp");
        var probe = await Ffprobe.ProbeAsync(await fixture.S3.DownloadAsync(ended.GetProperty("result").Text("key"), Directory.CreateTempSubdirectory("ytd-published-").FullName));
        (probe.Video.CodecName, probe.Video.Height).ShouldBe(("h264", 720));
        probe.Audio.CodecName.ShouldBe("aac");
    }

    [Fact]
    public async Task The_published_service_describes_its_API_serves_its_page_and_reports_its_metrics()
    {
        await using var service = await fixture.StartAsync();
        using var http = service.CreateClient();

        var read = OpenApiDocument.Parse(await http.GetStringAsync("/openapi/v1.json"), "json", new OpenApiReaderSettings());
        var reference = await http.GetAsync("/api/docs/");
        var page = await http.GetAsync("/");
        var module = await http.GetAsync("/pkg/_framework/dotnet.js");
        var metrics = await http.GetStringAsync("/metrics");

        read.Diagnostic!.Errors.ShouldBeEmpty(string.Join("; ", read.Diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}")));
        read.Document!.Paths.Keys.ShouldContain("/api/jobs");
        read.Document.Paths.Keys.ShouldContain("/api/upload-s3");
        reference.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).ShouldContain("pkg/_framework/dotnet.js");
        module.StatusCode.ShouldBe(HttpStatusCode.OK);
        metrics.ShouldContain("http_server_request_duration_seconds");
        metrics.ShouldContain("dotnet_gc_collections");
    }
}
