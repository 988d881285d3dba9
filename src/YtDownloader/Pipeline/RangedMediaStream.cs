using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;

namespace YtDownloader.Pipeline;

/// <summary>
/// A forward-only stream over a remote file, fetched as consecutive byte ranges, several at once: one connection
/// to a distant media server is slow (googlevideo paces each one), several side by side are not. Ranges are
/// delivered strictly in order; the one being read streams through as it arrives while the next ones fill up,
/// so memory is bounded by <see cref="PipelineOptions.ParallelRanges"/> times <see cref="PipelineOptions.ChunkSize"/>.
/// A failed, cut, short or stalled response is asked for again from the exact byte where it stopped, so a flaky
/// connection costs a retry, never a restart.
/// </summary>
internal sealed class RangedMediaStream(
    HttpClient http, Uri url, IReadOnlyDictionary<string, string>? headers, long offset, long? knownLength, PipelineOptions options, ILogger logger) : Stream
{
    private const int ReadSize = 64 * 1024;
    private const long UnknownLength = -1;

    // A range is never larger than a chunk, so a pipe that never pauses its writer still holds at most one chunk.
    private static readonly PipeOptions RangePipeOptions = new(pauseWriterThreshold: 0, minimumSegmentSize: ReadSize, useSynchronizationContext: false);

    private readonly Queue<RangeFetch> _ahead = new();
    private readonly CancellationTokenSource _stop = new();
    private RangeFetch? _current;
    private long _position = offset;
    private long _nextRangeStart = offset;
    private long _length = knownLength ?? UnknownLength; // written by the fetches once a response tells it
    private bool _disposed;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
            return 0;
        while (true)
        {
            if (_current is null)
            {
                ScheduleRanges();
                if (!_ahead.TryDequeue(out _current))
                    return 0;
            }
            ScheduleRanges();

            var result = await _current.Pipe.Reader.ReadAsync(cancellationToken);
            var data = result.Buffer;
            if (data.IsEmpty && result.IsCompleted)
            {
                await _current.Pipe.Reader.CompleteAsync();
                _current = null;
                continue;
            }
            var count = (int)Math.Min(buffer.Length, data.Length);
            data.Slice(0, count).CopyTo(buffer.Span);
            _current.Pipe.Reader.AdvanceTo(data.GetPosition(count));
            _position += count;
            return count;
        }
    }

    /// <summary>
    /// Starts fetches until <see cref="PipelineOptions.ParallelRanges"/> ranges are in flight. While the file's
    /// length is unknown only one range is fetched, since its answer tells the length.
    /// </summary>
    private void ScheduleRanges()
    {
        while (true)
        {
            var length = Interlocked.Read(ref _length);
            var inFlight = _ahead.Count + (_current is null ? 0 : 1);
            var window = length == UnknownLength ? 1 : options.ParallelRanges;
            if (inFlight >= window || (length != UnknownLength && _nextRangeStart >= length))
                return;

            var start = _nextRangeStart;
            var end = start + options.ChunkSize - 1;
            if (length != UnknownLength)
                end = Math.Min(end, length - 1);
            var fetch = new RangeFetch(new Pipe(RangePipeOptions));
            fetch.Task = FetchAsync(start, end, fetch.Pipe.Writer, _stop.Token);
            _ahead.Enqueue(fetch);
            _nextRangeStart = end + 1;
        }
    }

    /// <summary>Fills one range's pipe, resuming at the first missing byte after each failure; never throws.</summary>
    private async Task FetchAsync(long start, long end, PipeWriter writer, CancellationToken cancellationToken)
    {
        var position = start;
        var failures = 0;
        try
        {
            while (position <= end)
            {
                var before = position;
                try
                {
                    position = await FetchOnceAsync(position, end, writer, cancellationToken);
                    end = Math.Min(end, KnownEnd(end));
                }
                catch (Exception ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
                {
                    var (delivered, cause) = ex is PartialFetchException partial ? (partial.Delivered, partial.InnerException!) : (0L, ex);
                    if (delivered > 0)
                        failures = 0; // progress was made: only failures in a row count against the limit
                    position = before + delivered;
                    failures++;
                    if (failures > options.MaxRetries)
                        throw new DownloadException(
                            $"Downloading a stream failed at byte {position} after {options.MaxRetries} retries: {cause.Message}", cause);
                    var delay = options.RetryDelay * Math.Pow(2, failures - 1);
                    logger.LogWarning("Range read failed at byte {Position} ({Error}); retry {Attempt} in {Delay} ms",
                        position, cause.Message, failures, delay.TotalMilliseconds);
                    await Task.Delay(delay, cancellationToken);
                }
            }
            await writer.CompleteAsync();
        }
        catch (Exception ex)
        {
            // The reader meets this exception when it reaches this range, not before: earlier ranges still arrive.
            await writer.CompleteAsync(ex);
        }
    }

    /// <summary>One request for [position, end]; returns the position after the last byte written to the pipe.</summary>
    private async Task<long> FetchOnceAsync(long position, long end, PipeWriter writer, CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var request = MediaFetcher.NewRequest(url, headers);
        request.Headers.Range = new RangeHeaderValue(position, end);

        idle.CancelAfter(options.IdleTimeout);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, idle.Token);
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw Stalled();
        }

        using (response)
        {
            long last; // the last byte this response promises
            var skip = 0L;
            switch (response.StatusCode)
            {
                case HttpStatusCode.PartialContent:
                    var range = response.Content.Headers.ContentRange;
                    if (range?.From is { } from && from != position)
                        throw new IOException($"The server answered a range starting at {from} instead of {position}.");
                    if (range?.Length is { } total)
                        LearnLength(total);
                    last = Math.Min(end, range?.To ?? end);
                    break;
                case HttpStatusCode.OK:
                    // The server ignores ranges: read the whole body, skipping what comes before this range.
                    if (response.Content.Headers.ContentLength is { } whole)
                        LearnLength(whole);
                    skip = position;
                    last = Math.Min(end, KnownEnd(end));
                    break;
                case HttpStatusCode.RequestedRangeNotSatisfiable:
                    LearnLength(response.Content.Headers.ContentRange?.Length ?? position);
                    return end + 1;
                case >= HttpStatusCode.InternalServerError or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout:
                    throw new HttpRequestException($"The media server answered HTTP {(int)response.StatusCode}.");
                default:
                    throw new DownloadException(
                        $"The media server refused the stream with HTTP {(int)response.StatusCode}; its link may have expired: ask for the video again.");
            }

            var delivered = 0L;
            try
            {
                idle.CancelAfter(options.IdleTimeout);
                await using var body = await response.Content.ReadAsStreamAsync(idle.Token);
                while (position <= last)
                {
                    var want = (int)Math.Min(ReadSize, skip > 0 ? skip : last - position + 1);
                    var memory = writer.GetMemory(want)[..want];
                    idle.CancelAfter(options.IdleTimeout);
                    var read = await body.ReadAsync(memory, idle.Token);
                    if (read == 0)
                        throw new IOException($"The response ended at byte {position}, before the {last + 1 - position} bytes it promised.");
                    if (skip > 0)
                    {
                        skip -= read;
                        continue;
                    }
                    writer.Advance(read);
                    position += read;
                    delivered += read;
                    var flushed = await writer.FlushAsync(cancellationToken);
                    if (flushed.IsCompleted)
                        return end + 1; // the reader is gone: nothing more is wanted
                }
                return position;
            }
            catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new PartialFetchException(delivered, Stalled());
            }
            catch (Exception ex) when (IsTransient(ex) && delivered > 0)
            {
                throw new PartialFetchException(delivered, ex);
            }
        }
    }

    private void LearnLength(long length) => Interlocked.CompareExchange(ref _length, length, UnknownLength);

    private long KnownEnd(long fallback) => Interlocked.Read(ref _length) is var length && length != UnknownLength ? length - 1 : fallback;

    private TimeoutException Stalled() =>
        new($"The media server sent nothing for {options.IdleTimeout.TotalSeconds:0.###} s.");

    private static bool IsTransient(Exception ex) => ex is HttpRequestException or IOException or TimeoutException or PartialFetchException;

    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        await _stop.CancelAsync();
        var fetches = _ahead.ToList();
        if (_current is not null)
            fetches.Add(_current);
        await Task.WhenAll(fetches.Select(f => f.Task));
        foreach (var fetch in fetches)
            await fetch.Pipe.Reader.CompleteAsync();
        _ahead.Clear();
        _current = null;
        _stop.Dispose();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.Dispose(disposing);
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private sealed class RangeFetch(Pipe pipe)
    {
        public Pipe Pipe { get; } = pipe;
        public Task Task { get; set; } = Task.CompletedTask;
    }

    /// <summary>A response that failed after writing some bytes to the pipe: the retry starts after them.</summary>
    private sealed class PartialFetchException(long delivered, Exception inner) : Exception(inner.Message, inner)
    {
        public long Delivered { get; } = delivered;
    }
}
