using System.Net;
using CliWrap;
using CliWrap.Buffered;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

public sealed class PipelineFaultSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Corrupt_media_gives_502_with_ffmpegs_own_words_and_nothing_in_the_bucket()
    {
        const string id = "corruptmed1";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        fixture.Origin.CorruptMedia[fixture.Media.Video720.Name] = true;
        using var http = fixture.CreateClient();
        try
        {
            var (status, body, contentType) = await http.UploadAsync(new { url = id, quality = "720p" });

            status.ShouldBe(HttpStatusCode.BadGateway, body.ToString());
            contentType.ShouldBe("application/problem+json");
            body.Text("detail").ShouldContain("ffmpeg could not merge");
            body.Text("detail").ShouldContain("Invalid data found when processing input");
            (await fixture.S3.ListObjectsAsync()).ShouldNotContain(o => o.Key.Contains(id));
            (await fixture.S3.ListOpenUploadsAsync()).ShouldBeEmpty();
        }
        finally
        {
            fixture.Origin.CorruptMedia.TryRemove(fixture.Media.Video720.Name, out _);
        }
    }

    [Fact]
    public async Task A_full_disk_gives_507_and_leaves_no_partial_file()
    {
        const string id = "diskfull001";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        var folder = Directory.CreateTempSubdirectory("ytd-full-").FullName;
        var mount = await Cli.Wrap("mount").WithArguments(["-t", "tmpfs", "-o", "size=64k", "tmpfs", folder])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        if (mount.ExitCode != 0)
            Assert.Skip($"Cannot mount a small tmpfs here (needs root): {mount.StandardError.Trim()}");
        try
        {
            await using var service = ServiceFactory.Start(new Dictionary<string, string?>
            {
                ["Youtube:Origin"] = fixture.Origin.BaseUrl.ToString(),
                ["Storage:Local:Path"] = folder,
            });
            using var http = service.CreateClient();

            var (status, body, contentType) = await http.UploadAsync(new { url = id, quality = "720p" });

            status.ShouldBe(HttpStatusCode.InsufficientStorage, body.ToString());
            contentType.ShouldBe("application/problem+json");
            body.Text("detail").ShouldContain("is full");
            body.Text("detail").ShouldContain("Nothing was left behind");
            Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ShouldBeEmpty();
        }
        finally
        {
            await Cli.Wrap("umount").WithArguments([folder]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            Directory.Delete(folder, recursive: true);
        }
    }
}
