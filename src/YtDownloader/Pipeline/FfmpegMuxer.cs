using System.Diagnostics;
using System.ComponentModel;
using System.Text;
using CliWrap;
using Microsoft.Extensions.Options;

namespace YtDownloader.Pipeline;

/// <summary>
/// Merges a video and an audio stream into fragmented MP4 with ffmpeg, by stream copy: no re-encoding,
/// and an output that needs no seeking, so it can flow straight into an upload.
/// </summary>
public sealed class FfmpegMuxer(MuxFeedServer feeds, IOptions<FfmpegOptions> options)
{
    private const int StderrTailLength = 2000;

    /// <param name="onFed">Told each time bytes of an input reach ffmpeg.</param>
    public async Task MuxAsync(DownloadPlan plan, Stream output, Action<int> onFed, CancellationToken cancellationToken)
    {
        using var feed = await feeds.RegisterAsync([plan.Video, plan.Audio!], onFed, cancellationToken);
        var stderr = new StringBuilder();
        string[] arguments =
        [
            "-hide_banner", "-nostdin", "-loglevel", "error",
            "-i", feed.UrlOf(0).ToString(),
            "-i", feed.UrlOf(1).ToString(),
            "-map", "0:v:0", "-map", "1:a:0",
            "-c", "copy",
            "-movflags", "frag_keyframe+empty_moov",
            "-f", "mp4", "pipe:1",
        ];

        CommandResult result;
        try
        {
            var run = Cli.Wrap(options.Value.Path)
                .WithArguments(arguments)
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
            throw new MuxException($"ffmpeg could not merge the video and audio streams (exit code {result.ExitCode}): {stderr.ToString().Trim()}");
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
