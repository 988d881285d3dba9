using System.Diagnostics;
using System.Text;

namespace YtDownloader.Pipeline;

/// <summary>
/// What ffmpeg writes, read straight from its stdout by whoever stores the file (no pipe or copy in between). Its end is
/// a verdict: a read returns 0 only once ffmpeg has exited 0 and every input reached it whole; otherwise the read throws
/// (the download failure behind a broken input, or ffmpeg's own words), so the store aborts instead of keeping half a
/// file. Disposing it before the end stops ffmpeg and removes its registration and files.
/// </summary>
public sealed class FfmpegOutput : ForwardReadStream
{
    private const int StderrTailLength = 2000;

    private readonly Process _process;
    private readonly Stream _stdout;
    private readonly FeedRegistration _feed;
    private readonly DirectoryInfo _folder;
    private readonly string _what;
    private readonly StringBuilder _stderr = new();
    private long _position;
    private bool _ended;

    /// <param name="process">ffmpeg, started with its stdout and stderr redirected, stderr not yet read.</param>
    /// <param name="feed">Where ffmpeg reads its inputs; its <see cref="FeedRegistration.Failure"/> decides whether they came whole.</param>
    /// <param name="folder">ffmpeg's extra files (tags, cover, subtitles), removed with the process.</param>
    /// <param name="what">What ffmpeg was to do, for the error message ("merge the video and audio streams").</param>
    internal FfmpegOutput(Process process, FeedRegistration feed, DirectoryInfo folder, string what)
    {
        _process = process;
        _stdout = process.StandardOutput.BaseStream;
        _feed = feed;
        _folder = folder;
        _what = what;
        process.ErrorDataReceived += (_, line) => AppendTail(line.Data);
        process.BeginErrorReadLine();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty || _ended)
            return 0;
        var read = await _stdout.ReadAsync(buffer, cancellationToken);
        if (read > 0)
        {
            _position += read;
            return read;
        }
        await _process.WaitForExitAsync(cancellationToken);
        if (_feed.Failure is { } failure)
            throw failure;
        if (_process.ExitCode != 0)
        {
            ServiceMetrics.FfmpegFailed();
            string tail;
            lock (_stderr)
                tail = _stderr.ToString().Trim();
            throw new MuxException($"ffmpeg could not {_what} (exit code {_process.ExitCode}): {tail}");
        }
        _ended = true;
        return 0;
    }

    public override async ValueTask DisposeAsync()
    {
        if (Stop())
            await _process.WaitForExitAsync(CancellationToken.None);
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Stop();
            _process.Dispose();
            _feed.Dispose();
            FfmpegMuxer.DeleteQuietly(_folder);
        }
        base.Dispose(disposing);
    }

    /// <summary>Kills ffmpeg if it still runs (the reader gave up: a failed part, a cancelled job); whether it did.</summary>
    private bool Stop()
    {
        try
        {
            if (_process.HasExited)
                return false;
            _process.Kill();
            return true;
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill, or already disposed.
            return false;
        }
    }

    private void AppendTail(string? line)
    {
        if (line is null)
            return;
        lock (_stderr)
        {
            _stderr.AppendLine(line);
            if (_stderr.Length > StderrTailLength)
                _stderr.Remove(0, _stderr.Length - StderrTailLength);
        }
    }

    protected override long BytesRead => _position;
}
