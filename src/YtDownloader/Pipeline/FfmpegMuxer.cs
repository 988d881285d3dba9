using System.Diagnostics;
using System.ComponentModel;
using System.Text;
using CliWrap;
using Microsoft.Extensions.Options;
using YtDownloader.Sources;

namespace YtDownloader.Pipeline;

/// <summary>
/// Merges a video and an audio stream into fragmented MP4 with ffmpeg, by stream copy: no re-encoding,
/// and an output that needs no seeking, so it can flow straight into an upload.
/// </summary>
public sealed class FfmpegMuxer(MuxFeedServer feeds, IOptions<FfmpegOptions> options)
{
    private const int StderrTailLength = 2000;

    /// <param name="onFed">Told each time bytes of an input reach ffmpeg.</param>
    public Task MuxAsync(DownloadPlan plan, Stream output, Action<int> onFed, CancellationToken cancellationToken) =>
        RunAsync(
            [plan.Video, plan.Audio!],
            feed =>
            [
                "-i", feed.UrlOf(0).ToString(),
                "-i", feed.UrlOf(1).ToString(),
                "-map", "0:v:0", "-map", "1:a:0",
                "-c", "copy",
                "-movflags", "frag_keyframe+empty_moov",
                "-f", "mp4", "pipe:1",
            ],
            "merge the video and audio streams", output, onFed, cancellationToken);

    /// <summary>
    /// Audio only, from the plan's one stream: AAC copied out of a video into M4A, Opus copied from WebM into
    /// Ogg, or MP3 encoded (the one re-encoding the service does, because YouTube serves no MP3).
    /// </summary>
    public Task ConvertAudioAsync(DownloadPlan plan, Stream output, Action<int> onFed, CancellationToken cancellationToken)
    {
        string[] codec = plan.Output switch
        {
            OutputFormat.Mp3 => ["-c:a", "libmp3lame", "-q:a", "2", "-f", "mp3"],
            OutputFormat.Opus => ["-c:a", "copy", "-f", "opus"],
            OutputFormat.M4a => ["-c:a", "copy", "-movflags", "frag_keyframe+empty_moov", "-f", "ipod"],
            _ => throw new ArgumentException("Only an audio-only plan is converted.", nameof(plan)),
        };
        return RunAsync(
            [plan.Video],
            feed => ["-i", feed.UrlOf(0).ToString(), "-map", "0:a:0", "-vn", .. codec, "pipe:1"],
            $"make the {plan.Output.Extension().ToUpperInvariant()} file", output, onFed, cancellationToken);
    }

    private async Task RunAsync(
        MediaFormat[] inputs, Func<FeedRegistration, string[]> arguments, string what, Stream output, Action<int> onFed, CancellationToken cancellationToken)
    {
        using var feed = await feeds.RegisterAsync(inputs, onFed, cancellationToken);
        var stderr = new StringBuilder();
        CommandResult result;
        try
        {
            var run = Cli.Wrap(options.Value.Path)
                .WithArguments(["-hide_banner", "-nostdin", "-loglevel", "error", .. arguments(feed)])
                .WithStandardOutputPipe(PipeTarget.ToStream(output))
                .WithStandardErrorPipe(PipeTarget.ToDelegate(line => AppendTail(stderr, line)))
                .WithValidation(CommandResultValidation.None)
                .ExecuteAsync(cancellationToken);
            YieldToRequests(run.ProcessId);
            result = await run;
        }
        catch (Win32Exception ex)
        {
            throw new MuxException(
                $"ffmpeg could not be started from \u201c{options.Value.Path}\u201d: install it (apt-get install ffmpeg) or set Ffmpeg__Path.", ex);
        }

        if (feed.Failure is { } failure)
            throw failure;
        if (result.ExitCode != 0)
        {
            ServiceMetrics.FfmpegFailed();
            throw new MuxException($"ffmpeg could not {what} (exit code {result.ExitCode}): {stderr.ToString().Trim()}");
        }
    }

    /// <summary>A merge is background work: on a busy machine the service's own requests go first.</summary>
    private static void YieldToRequests(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            process.PriorityClass = ProcessPriorityClass.BelowNormal;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or Win32Exception)
        {
            // Already gone, or not allowed here: it runs at normal priority, which is only slower for others.
        }
    }

    private static void AppendTail(StringBuilder tail, string line)
    {
        lock (tail)
        {
            tail.AppendLine(line);
            if (tail.Length > StderrTailLength)
                tail.Remove(0, tail.Length - StderrTailLength);
        }
    }
}
