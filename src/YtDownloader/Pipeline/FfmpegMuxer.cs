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
            result = await Cli.Wrap(options.Value.Path)
                .WithArguments(arguments)
                .WithStandardOutputPipe(PipeTarget.ToStream(output))
                .WithStandardErrorPipe(PipeTarget.ToDelegate(line => AppendTail(stderr, line)))
                .WithValidation(CommandResultValidation.None)
                .ExecuteAsync(cancellationToken);
        }
        catch (Win32Exception ex)
        {
            throw new MuxException(
                $"ffmpeg could not be started from \u201c{options.Value.Path}\u201d: install it (apt-get install ffmpeg) or set Ffmpeg__Path.", ex);
        }

        if (feed.Failure is { } failure)
            throw failure;
        if (result.ExitCode != 0)
            throw new MuxException($"ffmpeg could not merge the video and audio streams (exit code {result.ExitCode}): {stderr.ToString().Trim()}");
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
