using System.Diagnostics;
using System.Text;
using YtDownloader.Pipeline;

namespace YtDownloader.Tests.Pipeline;

/// <summary>The output stream over a process's stdout, with a shell standing in for ffmpeg.</summary>
public class FfmpegOutputSpecs
{
    private static (FfmpegOutput Output, FeedRegistration Feed, DirectoryInfo Folder) Start(string script)
    {
        var start = new ProcessStartInfo("sh", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        var feed = new FeedRegistration("token", [], new Uri("http://127.0.0.1:1/"), _ => { }, _ => { });
        var folder = Directory.CreateTempSubdirectory("ytd-output-specs-");
        return (new FfmpegOutput(Process.Start(start)!, feed, folder, "merge the video and audio streams"), feed, folder);
    }

    private static async Task<string> ReadToEndAsync(Stream output)
    {
        using var text = new MemoryStream();
        await output.CopyToAsync(text, TestContext.Current.CancellationToken);
        return Encoding.ASCII.GetString(text.ToArray());
    }

    [Fact]
    public async Task A_process_that_exits_0_gives_its_whole_output_then_a_clean_end()
    {
        var (output, _, folder) = Start("printf 'moov'; printf 'mdat'");
        await using (output)
            (await ReadToEndAsync(output)).ShouldBe("moovmdat");

        folder.Refresh();
        folder.Exists.ShouldBeFalse();
    }

    [Fact]
    public async Task A_process_that_fails_after_writing_makes_the_read_at_the_end_throw_with_its_words()
    {
        var (output, _, _) = Start("printf 'moov'; echo 'Invalid data found when processing input' >&2; exit 1");
        await using (output)
        {
            var failure = await Should.ThrowAsync<MuxException>(() => ReadToEndAsync(output));

            failure.Message.ShouldContain("ffmpeg could not merge the video and audio streams (exit code 1)");
            failure.Message.ShouldContain("Invalid data found when processing input");
        }
    }

    [Fact]
    public async Task An_input_that_failed_on_the_feed_makes_the_read_at_the_end_throw_that_failure_even_if_the_process_exited_0()
    {
        var (output, feed, _) = Start("printf 'moov'");
        feed.Failure = new DownloadException("The media server sent nothing for 30 s.");
        await using (output)
        {
            var failure = await Should.ThrowAsync<DownloadException>(() => ReadToEndAsync(output));

            failure.Message.ShouldBe("The media server sent nothing for 30 s.");
        }
    }

    [Fact]
    public async Task Disposing_before_the_end_stops_the_process()
    {
        var pidFile = Path.GetTempFileName();
        var (output, _, _) = Start($"echo $$ > '{pidFile}'; printf 'moov'; exec sleep 60");
        var buffer = new byte[4];
        await output.ReadExactlyAsync(buffer, TestContext.Current.CancellationToken);
        var pid = (await File.ReadAllTextAsync(pidFile, TestContext.Current.CancellationToken)).Trim();
        File.Delete(pidFile);
        Directory.Exists($"/proc/{pid}").ShouldBeTrue();

        await output.DisposeAsync();

        Directory.Exists($"/proc/{pid}").ShouldBeFalse();
    }
}
