using System.Diagnostics;
using System.ComponentModel;
using CliWrap;
using CliWrap.Buffered;
using Microsoft.Extensions.Options;
using YtDownloader.Sources;

namespace YtDownloader.Pipeline;

/// <summary>
/// Writes what a job stores with ffmpeg, by stream copy (only MP3 is encoded, because YouTube serves none): the video
/// and audio merged into fragmented MP4, or the sound alone as M4A, MP3 or Opus, each with its tags, cover art,
/// chapters and (MP4 only) subtitle tracks. The output needs no seeking, so the upload reads it straight from ffmpeg.
/// </summary>
public sealed class FfmpegMuxer(MuxFeedServer feeds, IOptions<FfmpegOptions> options)
{
    // Fragments need no seeking back; delaying the moov until the first fragment lets the cover art, which ffmpeg
    // only has once its one packet is read, into the header instead of being lost.
    private const string StreamableMp4 = "frag_keyframe+empty_moov+delay_moov";

    // ffmpeg 5 reads each input in a thread of its own as soon as there are two (a merge, or one stream and the tags
    // file), and hands every packet to the main thread through a queue of 8. The reader fills it and sleeps, then
    // wakes for each packet taken: a context switch per packet, 80,000 to 140,000 per GB, which were 1.2 to 1.9 of
    // its 1.9 to 2.7 CPU s per GB. "-thread_queue_size 0" on each input reads them all on the main thread instead:
    // 0.7 to 0.9 CPU s per GB, the same file byte for byte (docs/benchmarks.md, "ffmpeg's input threads"). Our feed
    // serves every input on its own, so a read that waits on one never holds up another. ffmpeg 4 ignores the value
    // and 6 onwards always reads in threads, where it was not measured: it is given to 5 only.
    private const int MajorVersionWithOptionalInputThreads = 5;

    private readonly Lazy<Task<int?>> _majorVersion = new(() => ReadMajorVersionAsync(options.Value.Path));

    /// <summary>
    /// Starts ffmpeg on the plan's inputs and extras; the file is read from what this returns, straight from ffmpeg's
    /// stdout, and ends cleanly only if ffmpeg did (see <see cref="FfmpegOutput"/>).
    /// </summary>
    /// <param name="audio">The audio stream to merge with <paramref name="media"/>, or null when it carries the sound itself.</param>
    /// <param name="onFed">Told each time bytes of an input reach ffmpeg.</param>
    public async Task<FfmpegOutput> StartAsync(
        DownloadPlan plan, MediaSession media, MediaSession? audio, FileExtras extras, Action<int> onFed, CancellationToken cancellationToken)
    {
        // Tags, cover and subtitles are small and ours: ffmpeg reads them from files, named by us, never from a user.
        var folder = Directory.CreateTempSubdirectory("ytd-mux-");
        FeedRegistration? feed = null;
        try
        {
            var files = await WriteExtrasAsync(plan.Output, extras, folder.FullName, cancellationToken);
            var inputsOnMainThread = await _majorVersion.Value.WaitAsync(cancellationToken) == MajorVersionWithOptionalInputThreads;
            var firstInputPiped = await ReadsFrontToBackAsync(media, cancellationToken);
            feed = await feeds.RegisterAsync(audio is null ? [media] : [media, audio], onFed, cancellationToken);
            var start = new ProcessStartInfo(options.Value.Path)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = firstInputPiped,
            };
            foreach (var argument in (string[])["-hide_banner", "-nostdin", "-loglevel", "error", .. Arguments(plan, feed, files, inputsOnMainThread, firstInputPiped)])
                start.ArgumentList.Add(argument);
            var process = Process.Start(start)!;
            PipeCapacity.Raise(process.StandardOutput.BaseStream);
            if (firstInputPiped)
            {
                PipeCapacity.Raise(process.StandardInput.BaseStream);
                // Observed by itself: it never throws, and the feed keeps a download failure for FfmpegOutput to raise.
                _ = feeds.PipeAsync(feed, 0, process.StandardInput.BaseStream);
            }
            YieldToRequests(process);
            return new FfmpegOutput(process, feed, folder, What(plan));
        }
        catch (Exception ex)
        {
            feed?.Dispose();
            DeleteQuietly(folder);
            if (ex is Win32Exception)
            {
                throw new MuxException(
                    $"ffmpeg could not be started from \u201c{options.Value.Path}\u201d: install it (apt-get install ffmpeg) or set Ffmpeg__Path.", ex);
            }
            throw;
        }
    }

    /// <summary>
    /// The installed ffmpeg's major version, asked once per process; null when it cannot be told, in which case
    /// ffmpeg runs with its own defaults (and a missing ffmpeg fails the job when it is started, with its own message).
    /// </summary>
    private static async Task<int?> ReadMajorVersionAsync(string path)
    {
        // Shared by every job, so no one job's cancellation; a hung ffmpeg costs the first job ten seconds, once.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            var run = await Cli.Wrap(path).WithArguments("-version").WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(timeout.Token);
            return run.ExitCode == 0 ? FfmpegVersion.MajorOf(run.StandardOutput) : null;
        }
        catch (Exception ex) when (ex is Win32Exception or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether ffmpeg reads the input front to back, so that it can take it through its stdin rather than from the
    /// feed's HTTP server: a WebM (its clusters come in order; its index only serves seeking), or an MP4 whose moov
    /// comes before its media (YouTube's DASH and muxed streams). The head read here stays in the session for ffmpeg.
    /// With both pipes raised to 1 MiB (<see cref="PipeCapacity"/>) the feed's 0.7 to 0.9 CPU s per GB fell to about
    /// 0.3, and ffmpeg alone reads a pipe for 1.3 against 1.5 to 2.0 over loopback HTTP (docs/benchmarks.md); with
    /// 64 KiB pipes it cost more than HTTP, a wake-up on each side per 64 KiB.
    /// </summary>
    internal static async Task<bool> ReadsFrontToBackAsync(MediaSession input, CancellationToken cancellationToken)
    {
        if (input.Format.Container == "webm")
            return true;
        if (input.Format.Container is not ("mp4" or "m4a"))
            return false;
        await using var head = input.OpenRead();
        return await Mp4.StreamingLayout.MoovComesFirstAsync(head, await input.GetLengthAsync(cancellationToken), cancellationToken);
    }

    /// <summary>Removes ffmpeg's folder of extras.</summary>
    internal static void DeleteQuietly(DirectoryInfo folder)
    {
        try
        {
            folder.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A few kilobytes in the temporary folder, which the system clears: not worth failing a stored file for.
        }
    }

    /// <summary>The extras as files, leaving out what the container cannot carry.</summary>
    private static async Task<ExtraFiles> WriteExtrasAsync(OutputFormat output, FileExtras extras, string folder, CancellationToken cancellationToken)
    {
        var metadata = Path.Combine(folder, "metadata.txt");
        await File.WriteAllTextAsync(metadata, extras.Tags.ToFfmetadata(withDescription: output != OutputFormat.Opus), cancellationToken);

        // MP3's ID3 header needs its size written back once the pictures are in, which a pipe cannot do; Ogg has no cover.
        string? cover = null;
        if (output is OutputFormat.Mp4 or OutputFormat.M4a && extras.Cover is { } image && CoverExtension(image.ContentType) is { } extension)
        {
            cover = Path.Combine(folder, $"cover.{extension}");
            await File.WriteAllBytesAsync(cover, image.Content, cancellationToken);
        }

        var subtitles = new List<(string Language, string Path)>();
        if (output == OutputFormat.Mp4)
        {
            for (var i = 0; i < extras.Subtitles.Count; i++)
            {
                var path = Path.Combine(folder, $"subtitle-{i}.vtt");
                await File.WriteAllTextAsync(path, extras.Subtitles[i].Vtt, cancellationToken);
                subtitles.Add((SubtitleLanguages.ToIso6392(extras.Subtitles[i].Language), path));
            }
        }
        return new ExtraFiles(metadata, cover, subtitles);
    }

    private static string? CoverExtension(string contentType) => contentType.ToLowerInvariant() switch
    {
        "image/jpeg" or "image/jpg" => "jpg",
        "image/png" => "png",
        _ => null,
    };

    /// <summary>
    /// ffmpeg's arguments, each its own argv entry (no shell): inputs are our feed URLs and our own files, and every
    /// text from YouTube is inside the metadata file, escaped, never on the command line.
    /// </summary>
    /// <param name="inputsOnMainThread">Whether each input is told to be read on ffmpeg's main thread (see <see cref="MajorVersionWithOptionalInputThreads"/>).</param>
    /// <param name="firstInputPiped">Whether the first input comes through ffmpeg's stdin instead of the feed's URL.</param>
    internal static string[] Arguments(DownloadPlan plan, FeedRegistration feed, ExtraFiles files, bool inputsOnMainThread, bool firstInputPiped)
    {
        var inputs = new List<string>();
        void Input(string source, string? format = null)
        {
            if (inputsOnMainThread)
                inputs.AddRange(["-thread_queue_size", "0"]);
            if (format is not null)
                inputs.AddRange(["-f", format]);
            inputs.AddRange(["-i", source]);
        }

        Input(firstInputPiped ? "pipe:0" : feed.UrlOf(0).ToString());
        var maps = new List<string>();
        var streams = new List<string>();
        var next = 1;
        if (plan.NeedsMerge)
        {
            Input(feed.UrlOf(next++).ToString());
            maps.AddRange(["-map", "0:v:0", "-map", "1:a:0"]);
        }
        else
        {
            maps.AddRange(plan.Output == OutputFormat.Mp4 ? ["-map", "0:v:0", "-map", "0:a:0"] : ["-map", "0:a:0"]);
        }

        for (var i = 0; i < files.Subtitles.Count; i++)
        {
            Input("file:" + files.Subtitles[i].Path, "webvtt");
            maps.AddRange(["-map", $"{next++}:s:0"]);
            streams.AddRange([$"-metadata:s:s:{i}", $"language={files.Subtitles[i].Language}"]);
        }
        if (files.Cover is { } cover)
        {
            Input("file:" + cover);
            maps.AddRange(["-map", $"{next++}:v:0"]);
            // Audio only: the cover is the file's one picture; with a video it comes after the video's stream.
            streams.AddRange([plan.Output == OutputFormat.Mp4 ? "-disposition:v:1" : "-disposition:v:0", "attached_pic"]);
        }
        var metadata = next;
        Input("file:" + files.Metadata, "ffmetadata");
        // Only our tags and chapters: none of the source files' own.
        maps.AddRange(["-map_metadata", $"{metadata}", "-map_chapters", $"{metadata}"]);

        string[] codec = plan.Output switch
        {
            OutputFormat.Mp3 => ["-c:a", "libmp3lame", "-q:a", "2", "-f", "mp3"],
            OutputFormat.Opus => ["-c", "copy", "-f", "opus"],
            OutputFormat.M4a => ["-c", "copy", "-movflags", StreamableMp4, "-f", "ipod"],
            _ => ["-c", "copy", "-c:s", "mov_text", "-movflags", StreamableMp4, "-f", "mp4"],
        };
        return [.. inputs, .. maps, .. streams, .. codec, "pipe:1"];
    }

    private static string What(DownloadPlan plan) => plan.Output switch
    {
        OutputFormat.Mp4 when plan.NeedsMerge => "merge the video and audio streams",
        OutputFormat.Mp4 => "write the MP4 file",
        _ => $"make the {plan.Output.Extension().ToUpperInvariant()} file",
    };

    internal sealed record ExtraFiles(string Metadata, string? Cover, IReadOnlyList<(string Language, string Path)> Subtitles);

    /// <summary>A merge is background work: on a busy machine the service's own requests go first.</summary>
    private static void YieldToRequests(Process process)
    {
        try
        {
            process.PriorityClass = ProcessPriorityClass.BelowNormal;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or Win32Exception)
        {
            // Already gone, or not allowed here: it runs at normal priority, which is only slower for others.
        }
    }
}
