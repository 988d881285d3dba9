using System.Diagnostics;
using System.ComponentModel;
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
            feed = await feeds.RegisterAsync(audio is null ? [media] : [media, audio], onFed, cancellationToken);
            var start = new ProcessStartInfo(options.Value.Path) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in (string[])["-hide_banner", "-nostdin", "-loglevel", "error", .. Arguments(plan, feed, files)])
                start.ArgumentList.Add(argument);
            var process = Process.Start(start)!;
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
    private static string[] Arguments(DownloadPlan plan, FeedRegistration feed, ExtraFiles files)
    {
        var inputs = new List<string> { "-i", feed.UrlOf(0).ToString() };
        var maps = new List<string>();
        var streams = new List<string>();
        var next = 1;
        if (plan.NeedsMerge)
        {
            inputs.AddRange(["-i", feed.UrlOf(next++).ToString()]);
            maps.AddRange(["-map", "0:v:0", "-map", "1:a:0"]);
        }
        else
        {
            maps.AddRange(plan.Output == OutputFormat.Mp4 ? ["-map", "0:v:0", "-map", "0:a:0"] : ["-map", "0:a:0"]);
        }

        for (var i = 0; i < files.Subtitles.Count; i++)
        {
            inputs.AddRange(["-f", "webvtt", "-i", "file:" + files.Subtitles[i].Path]);
            maps.AddRange(["-map", $"{next++}:s:0"]);
            streams.AddRange([$"-metadata:s:s:{i}", $"language={files.Subtitles[i].Language}"]);
        }
        if (files.Cover is { } cover)
        {
            inputs.AddRange(["-i", "file:" + cover]);
            maps.AddRange(["-map", $"{next++}:v:0"]);
            // Audio only: the cover is the file's one picture; with a video it comes after the video's stream.
            streams.AddRange([plan.Output == OutputFormat.Mp4 ? "-disposition:v:1" : "-disposition:v:0", "attached_pic"]);
        }
        var metadata = next;
        inputs.AddRange(["-f", "ffmetadata", "-i", "file:" + files.Metadata]);
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

    private sealed record ExtraFiles(string Metadata, string? Cover, IReadOnlyList<(string Language, string Path)> Subtitles);

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
