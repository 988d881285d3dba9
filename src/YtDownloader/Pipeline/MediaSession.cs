using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using YtDownloader.Sources;

namespace YtDownloader.Pipeline;

/// <summary>
/// How much of one stream a <see cref="MediaSession"/> fetches and keeps: chunks of <see cref="ChunkSize"/> bytes,
/// <see cref="RangesAhead"/> of them fetched at once from the read position on, <see cref="ChunksBehind"/> kept behind it,
/// and, while its reader may jump (<see cref="ReaderJumps"/>: ffmpeg), the chunks it jumped from.
/// </summary>
public sealed record MediaWindow(int ChunkSize, int RangesAhead, int ChunksBehind, bool ReaderJumps = true)
{
    private const int SmallestChunk = 256 * 1024;

    /// <summary>
    /// Besides the window: the chunks a reader read first or last before jumping (the init and index ranges,
    /// the index at the end of a file that keeps it there), held until the read position catches up with them.
    /// </summary>
    private const int ChunksJumpedFrom = 2;

    /// <summary>
    /// The chunks the session holds in the reading it was made for: the window around the read position and the
    /// chunks jumped from. Fetching ahead stops here; only a chunk a reader waits for goes beyond it.
    /// </summary>
    public int ChunksInWindow => RangesAhead + ChunksBehind + (ReaderJumps ? ChunksJumpedFrom : 0);

    /// <summary>
    /// The most chunks the session ever holds: memory is this times <see cref="ChunkSize"/>. For a reader that
    /// jumps, room for one more set of ranges ahead than <see cref="ChunksInWindow"/>: after a jump, the ranges
    /// fetched ahead of where the reader was are kept for its return rather than fetched twice.
    /// </summary>
    public int MostChunksHeld => ChunksInWindow + (ReaderJumps ? RangesAhead : 0);

    /// <summary>
    /// The window for a reader that reads the stream once, front to back (our own merge): it never comes back, so
    /// nothing is kept behind it, only the ranges fetched ahead: 4 chunks at the defaults, against 7 to 11 for ffmpeg.
    /// </summary>
    public MediaWindow InOrder => this with { ChunksBehind = 0, ReaderJumps = false };

    /// <summary>
    /// The window for a stream that makes up <paramref name="share"/> of a job's bytes. ffmpeg reads its inputs at
    /// the same pace in media time, and so does our merge, so a stream with a fortieth of the bytes (the audio) is
    /// read forty times slower and needs a window forty times smaller: its chunks are halved while they stay above
    /// its share of a chunk, down to 256 KiB.
    /// </summary>
    public static MediaWindow For(PipelineOptions options, double share = 1)
    {
        var chunk = (int)options.ChunkSize;
        while (chunk / 2 >= options.ChunkSize * share && chunk / 2 >= SmallestChunk)
            chunk /= 2;
        return new MediaWindow(chunk, options.ParallelRanges, ChunksBehind: 1);
    }
}

/// <summary>
/// The media server refused a stream's URL part-way, or kept failing at the same byte after every retry (the ways
/// YouTube cuts off a client whose streams it will not serve): give the same stream from somewhere else, or throw to
/// end the download.
/// </summary>
public interface IStreamReplacer
{
    /// <param name="answer">What the media server did, for the handover and the error: "HTTP 403", "a failure after 5 retries (…)".</param>
    /// <returns>The same bytes (same itag, same length) at another URL.</returns>
    Task<MediaFormat> ReplaceAsync(MediaFormat refused, long atByte, string answer, CancellationToken cancellationToken);
}

/// <summary>
/// One stream of one job, fetched once however it is read. The file is cut into chunks on a fixed grid; each chunk
/// is asked of the media server with one ranged request (several at once ahead of the read position: a distant media
/// server paces each connection, not the sum), into a pooled buffer, and read by any number of readers at any
/// position as its bytes arrive. The newest reader leads: the window follows it alone. ffmpeg reads an input over
/// one connection at a time, and the one it has left may still be writing what the sockets between us buffer, whole
/// megabytes it will never read; were that reader to move the window, the chunks ffmpeg comes back to would be given
/// back and fetched twice (1.35 times the streams' bytes on a loaded machine). A chunk is given back when the leader
/// has read through it and left it behind by more than <see cref="MediaWindow.ChunksBehind"/>; a chunk still ahead
/// of the leader never while one behind it can go: so when ffmpeg reads the header, jumps to the index at the end and
/// comes back, or re-reads what it probed, it is served from memory, and no byte that arrived is asked for again.
/// Memory stays under <see cref="MediaWindow.MostChunksHeld"/> chunks. A failed, cut, short or stalled response is
/// asked for again from the exact byte where it stopped.
/// </summary>
public sealed class MediaSession : IAsyncDisposable
{
    private const int ReadSize = 64 * 1024;

    // A range's last bytes are read through a small pooled array and copied. The socket keeps the buffer of its
    // last read while its connection idles in the client's pool, so reading them straight into the chunk would
    // keep the chunk's array alive after the job, one per idle connection (docs/benchmarks.md, figure 9).
    private const int TailSize = 16 * 1024;

    // Bytes handed to a destination per write: a chunk-sized write would have the feed's HTTP server copy and hold
    // a whole chunk per connection.
    private const int WriteSize = 128 * 1024;
    private const long UnknownLength = -1;

    private readonly HttpClient _http;
    private readonly PipelineOptions _options;
    private MediaWindow _window; // guarded by _gate once a reader opened
    private readonly BufferPool _buffers;
    private readonly ILogger _logger;
    private readonly Action<int>? _onFetched;
    private readonly IStreamReplacer? _replacer;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Chunk> _chunks = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _replacing = new(1, 1);
    private readonly TaskCompletionSource<long> _lengthKnown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private MediaFormat _format;
    private long _length;
    private long _head; // the chunk the leader read last: the window is counted from here
    private long _leader; // the newest reader: only it moves the window
    private long _readers;
    private long _touches;
    private long _fetched;
    private Signal? _released;
    private bool _disposed;

    internal MediaSession(
        HttpClient http, MediaFormat format, MediaWindow window, PipelineOptions options, BufferPool buffers,
        Action<int>? onFetched, IStreamReplacer? replacer, ILogger logger)
    {
        (_http, _format, _window, _options, _buffers, _onFetched, _replacer, _logger) =
            (http, format, window, options, buffers, onFetched, replacer, logger);
        _length = format.ContentLength ?? UnknownLength;
        if (format.ContentLength is { } known)
            _lengthKnown.TrySetResult(known);
    }

    /// <summary>The stream as it is fetched now: after a refusal, the replacement's URL.</summary>
    public MediaFormat Format
    {
        get { lock (_gate) return _format; }
    }

    /// <summary>Bytes taken from the media server so far, everything it sent counted once.</summary>
    public long FetchedBytes => Interlocked.Read(ref _fetched);

    /// <summary>The stream's size, from the source's metadata, or from the media server's answer to the first range.</summary>
    public async Task<long> GetLengthAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Read(ref _length) is var known and not UnknownLength)
            return known;
        // The first chunk's answer tells the size: no request is made only to ask it.
        var (chunk, _) = await AcquireAsync(0, AsLeader, cancellationToken);
        Release(chunk);
        return await _lengthKnown.Task.WaitAsync(cancellationToken);
    }

    /// <summary>A forward-only stream of the bytes from <paramref name="position"/> to the end; it leads until a newer reader opens.</summary>
    public Stream OpenRead(long position = 0) => new Reader(this, NewReader(), position);

    /// <summary>
    /// From now on the newest reader reads on to the end and no other comes (our own merge, once the heads said it
    /// is ours): the session keeps nothing behind it nor for a jump back (<see cref="MediaWindow.InOrder"/>).
    /// </summary>
    public void ExpectReadingInOrder()
    {
        lock (_gate)
            _window = _window.InOrder;
    }

    /// <summary>
    /// Writes <paramref name="count"/> bytes from <paramref name="position"/> on to <paramref name="destination"/>,
    /// straight from the chunks. It leads until a newer reader opens; from then on it writes only what is held and
    /// waits for the rest (a reader left behind is about to be cancelled).
    /// </summary>
    /// <param name="onCopied">Told each time bytes were written.</param>
    public async Task CopyToAsync(long position, long count, Stream destination, Action<int>? onCopied, CancellationToken cancellationToken)
    {
        var reader = NewReader();
        while (count > 0)
        {
            var (chunk, offset) = await AcquireAsync(position, reader, cancellationToken);
            try
            {
                var available = await chunk.WaitForDataAsync(offset, cancellationToken);
                if (available == 0)
                    throw new DownloadException($"Stream {_format.Itag} ended at byte {position}, before its announced size.");
                var take = (int)Math.Min(Math.Min(available, count), WriteSize);
                await destination.WriteAsync(chunk.Buffer.AsMemory(offset, take), cancellationToken);
                MarkRead(chunk, reader, offset + take);
                position += take;
                count -= take;
                onCopied?.Invoke(take);
            }
            finally
            {
                Release(chunk);
            }
        }
    }

    private async ValueTask<int> ReadAsync(long reader, long position, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.IsEmpty || position >= await GetLengthAsync(cancellationToken))
            return 0;
        var (chunk, offset) = await AcquireAsync(position, reader, cancellationToken);
        try
        {
            var available = await chunk.WaitForDataAsync(offset, cancellationToken);
            var take = Math.Min(available, buffer.Length);
            chunk.Buffer.AsSpan(offset, take).CopyTo(buffer.Span);
            MarkRead(chunk, reader, offset + take);
            return take;
        }
        finally
        {
            Release(chunk);
        }
    }

    /// <summary>Reading on behalf of whichever reader leads (the size asked before any reader opened).</summary>
    private const long AsLeader = 0;

    /// <summary>A reader opens: it leads from now on, and the one before it no longer moves the window.</summary>
    private long NewReader()
    {
        lock (_gate)
            return _leader = ++_readers;
    }

    /// <summary>
    /// The chunk holding <paramref name="position"/>, fetched or being fetched, held for reading until <see cref="Release"/>.
    /// For the leading reader, it moves the window there first and starts the fetches ahead of it; a reader left
    /// behind only reads what is held, and waits for anything else (until it is cancelled, or the leader brings it).
    /// </summary>
    private async ValueTask<(Chunk Chunk, int Offset)> AcquireAsync(long position, long reader, CancellationToken cancellationToken)
    {
        var index = position / _window.ChunkSize;
        while (true)
        {
            Task released;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                var leads = reader == AsLeader || reader == _leader;
                if (leads)
                    _head = index; // before a buffer is chosen: what counts as behind is counted from where the leader is now
                if (_chunks.TryGetValue(index, out var chunk) || (leads && TryStartFetch(index, needed: true, out chunk)))
                {
                    chunk.Readers++;
                    chunk.Touched = ++_touches;
                    for (var ahead = index + 1; leads && ahead < index + _window.RangesAhead && !PastTheEnd(ahead); ahead++)
                    {
                        if (!_chunks.ContainsKey(ahead) && !TryStartFetch(ahead, needed: false, out _))
                            break;
                    }
                    return (chunk, (int)(position - chunk.Start));
                }
                // Every chunk held is being fetched, read or kept for a return, or this reader was left behind: wait.
                released = (_released ??= new Signal()).Task;
            }
            await released.WaitAsync(cancellationToken);
        }
    }

    private bool PastTheEnd(long index) =>
        _length == UnknownLength ? index > 0 : index * _window.ChunkSize >= _length;

    /// <summary>
    /// Starts fetching a chunk when a buffer can be had. Within <see cref="MediaWindow.ChunksInWindow"/> a free one;
    /// beyond it, one the leader has read through and left behind. Only a chunk a reader waits for
    /// (<paramref name="needed"/>) may go further: up to <see cref="MediaWindow.MostChunksHeld"/> a new buffer, so
    /// that what was fetched ahead before a jump stays for the return; at that bound, a chunk jumped from, then
    /// one farthest ahead beyond the window. Never one in the window around the leader.
    /// </summary>
    private bool TryStartFetch(long index, bool needed, out Chunk chunk)
    {
        chunk = null!;
        if (_length == UnknownLength && index > 0)
            return false; // the first answer tells the length; until then there is no grid beyond it
        // A loop, not one eviction: a window made smaller (ExpectReadingInOrder) comes down to its size here.
        for (var evicted = false; _chunks.Count >= _window.ChunksInWindow; evicted = true)
        {
            var victim = EvictionCandidate(mayTakeUnread: needed && _chunks.Count >= _window.MostChunksHeld);
            if (victim is null)
            {
                if (!evicted && (!needed || _chunks.Count >= _window.MostChunksHeld))
                    return false;
                break;
            }
            _chunks.Remove(victim.Index);
            _buffers.Return(victim.Buffer);
        }
        var start = index * _window.ChunkSize;
        var length = _length == UnknownLength ? _window.ChunkSize : (int)Math.Min(_window.ChunkSize, _length - start);
        // Sized by what the chunk holds: a short file or a stream's last chunk takes its bytes, not a whole chunk.
        chunk = new Chunk(index, start, length, _buffers.Rent(length));
        _chunks[index] = chunk;
        var started = chunk;
        chunk.Fetch = Task.Run(() => FetchAsync(started, _stop.Token));
        return true;
    }

    /// <summary>
    /// The chunk to give back, never one being fetched or read, nor one in the window around the leader: the lowest
    /// one the leader read through behind the window; else, when <paramref name="mayTakeUnread"/>, one behind it
    /// that it did not read through (jumped from: the least recently read first), then the farthest ahead of the window.
    /// </summary>
    private Chunk? EvictionCandidate(bool mayTakeUnread)
    {
        Chunk? readThrough = null, jumpedFrom = null, farAhead = null;
        foreach (var chunk in _chunks.Values)
        {
            if (chunk.Readers > 0 || !chunk.Fetch.IsCompleted)
                continue;
            if (chunk.Index < _head - _window.ChunksBehind)
            {
                if (chunk.ReadThroughBy == _leader)
                {
                    if (readThrough is null || chunk.Index < readThrough.Index)
                        readThrough = chunk;
                }
                else if (jumpedFrom is null || chunk.Touched < jumpedFrom.Touched)
                {
                    jumpedFrom = chunk;
                }
            }
            else if (chunk.Index >= _head + _window.RangesAhead && (farAhead is null || chunk.Index > farAhead.Index))
            {
                farAhead = chunk;
            }
        }
        return readThrough ?? (mayTakeUnread ? jumpedFrom ?? farAhead : null);
    }

    private void Release(Chunk chunk)
    {
        lock (_gate)
        {
            chunk.Readers--;
            WakeWaitersForBuffers();
        }
    }

    /// <summary>A chunk stopped being busy: whoever waits for a buffer looks again. Called under the lock.</summary>
    private void WakeWaitersForBuffers()
    {
        _released?.Set();
        _released = null;
    }

    /// <summary>A reader got to <paramref name="readUpTo"/> in the chunk: read through, it may go once left behind (if that reader still leads then).</summary>
    private static void MarkRead(Chunk chunk, long reader, int readUpTo)
    {
        if (readUpTo >= chunk.Length)
            chunk.ReadThroughBy = reader;
    }

    /// <summary>Fills one chunk, resuming at the first missing byte after each failure; never throws.</summary>
    private async Task FetchAsync(Chunk chunk, CancellationToken cancellationToken)
    {
        var failures = 0;
        try
        {
            while (chunk.Filled < chunk.Length)
            {
                var before = chunk.Filled;
                var format = Format;
                try
                {
                    await FetchOnceAsync(chunk, format, cancellationToken);
                }
                catch (StreamRefusedException refused) when (_replacer is not null && !cancellationToken.IsCancellationRequested)
                {
                    await ReplaceAsync(format, chunk.Start + chunk.Filled, $"HTTP {refused.Status}", cancellationToken);
                }
                catch (Exception ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
                {
                    if (chunk.Filled > before)
                        failures = 0; // progress was made: only failures in a row count against the limit
                    failures++;
                    var position = chunk.Start + chunk.Filled;
                    if (failures > _options.MaxRetries && _replacer is not null)
                    {
                        // YouTube cuts a client off with resets as well as with 403s: a URL that fails at the same
                        // byte try after try is handed over like a refused one, and the next provider gets fresh tries.
                        await ReplaceAsync(format, position, $"a failure after {_options.MaxRetries} retries ({ex.Message.TrimEnd('.')})", cancellationToken);
                        failures = 0;
                        continue;
                    }
                    if (failures > _options.MaxRetries)
                        throw new DownloadException(
                            $"Downloading a stream failed at byte {position} after {_options.MaxRetries} retries: {ex.Message}", ex);
                    var delay = _options.RetryDelay * Math.Pow(2, failures - 1);
                    _logger.LogWarning("Range read failed at byte {Position} ({Error}); retry {Attempt} in {Delay} ms",
                        position, ex.Message, failures, delay.TotalMilliseconds);
                    await Task.Delay(delay, cancellationToken);
                }
            }
        }
        catch (Exception ex)
        {
            // A reader meets this when it reaches this chunk, not before: earlier chunks still arrive.
            chunk.Failure = ex is YtDownloaderException or OperationCanceledException
                ? ex
                : new DownloadException($"Downloading a stream failed: {ex.Message}", ex);
        }
        finally
        {
            chunk.Complete();
            lock (_gate)
                WakeWaitersForBuffers();
        }
    }

    /// <summary>
    /// One refusal at a time asks for a replacement; a fetch refused with a URL already replaced simply tries again
    /// with the new one.
    /// </summary>
    private async Task ReplaceAsync(MediaFormat refusedFormat, long atByte, string answer, CancellationToken cancellationToken)
    {
        await _replacing.WaitAsync(cancellationToken);
        try
        {
            if (Format.Url != refusedFormat.Url)
                return;
            var replacement = await _replacer!.ReplaceAsync(refusedFormat, atByte, answer, cancellationToken);
            lock (_gate)
                _format = replacement;
        }
        finally
        {
            _replacing.Release();
        }
    }

    /// <summary>One request for the chunk's missing bytes; returns when it is full or throws where it stopped.</summary>
    private async Task FetchOnceAsync(Chunk chunk, MediaFormat format, CancellationToken cancellationToken)
    {
        var position = chunk.Start + chunk.Filled;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var request = MediaFetcher.NewRequest(format.Url, format.Headers);
        request.Headers.Range = new RangeHeaderValue(position, chunk.Start + chunk.Length - 1);

        idle.CancelAfter(_options.IdleTimeout);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, idle.Token);
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw Stalled();
        }

        using (response)
        {
            var skip = 0L;
            switch (response.StatusCode)
            {
                case HttpStatusCode.PartialContent:
                    var range = response.Content.Headers.ContentRange;
                    if (range?.From is { } from && from != position)
                        throw new IOException($"The server answered a range starting at {from} instead of {position}.");
                    LearnLength(range?.Length, chunk);
                    break;
                case HttpStatusCode.OK:
                    // The server ignores ranges: read the whole body, skipping what comes before this range.
                    LearnLength(response.Content.Headers.ContentLength, chunk);
                    skip = position;
                    break;
                case >= HttpStatusCode.InternalServerError or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout:
                    throw new HttpRequestException($"The media server answered HTTP {(int)response.StatusCode}.");
                case HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized or HttpStatusCode.Gone:
                    throw new StreamRefusedException((int)response.StatusCode, position);
                default:
                    throw new DownloadException($"The media server answered HTTP {(int)response.StatusCode} for the range at byte {position}.");
            }
            if (Interlocked.Read(ref _length) == UnknownLength)
                throw new DownloadException($"The media server did not tell the size of stream {Format.Itag} (HTTP {(int)response.StatusCode}).");

            try
            {
                idle.CancelAfter(_options.IdleTimeout);
                await using var body = await response.Content.ReadAsStreamAsync(idle.Token);
                while (chunk.Filled < chunk.Length)
                {
                    var missing = chunk.Length - chunk.Filled;
                    var inTail = skip == 0 && missing <= TailSize;
                    var want = (int)Math.Min(ReadSize, skip > 0 ? skip : inTail ? missing : missing - TailSize);
                    // Skipped bytes land where the chunk's next bytes go and are overwritten by them.
                    var memory = chunk.Buffer.AsMemory(chunk.Filled, want);
                    idle.CancelAfter(_options.IdleTimeout);
                    var read = inTail ? await ReadTailAsync(body, memory, idle.Token) : await body.ReadAsync(memory, idle.Token);
                    if (read == 0)
                        throw new IOException($"The response ended at byte {chunk.Start + chunk.Filled}, before the {chunk.Length - chunk.Filled} bytes it promised.");
                    Interlocked.Add(ref _fetched, read);
                    _onFetched?.Invoke(read);
                    if (skip > 0)
                        skip -= read;
                    else
                        chunk.Advance(read);
                }
            }
            catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw Stalled();
            }
        }
    }

    private static async ValueTask<int> ReadTailAsync(Stream body, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var tail = ArrayPool<byte>.Shared.Rent(destination.Length);
        try
        {
            var read = await body.ReadAsync(tail.AsMemory(0, destination.Length), cancellationToken);
            tail.AsSpan(0, read).CopyTo(destination.Span);
            return read;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(tail);
        }
    }

    /// <summary>What a response says of the file's size, when the metadata did not say it: it also fixes the first chunk's end.</summary>
    private void LearnLength(long? length, Chunk chunk)
    {
        if (length is not { } total || Interlocked.CompareExchange(ref _length, total, UnknownLength) != UnknownLength)
            return;
        chunk.Length = (int)Math.Min(chunk.Length, total - chunk.Start);
        _lengthKnown.TrySetResult(total);
    }

    private TimeoutException Stalled() =>
        new($"The media server sent nothing for {_options.IdleTimeout.TotalSeconds:0.###} s.");

    private static bool IsTransient(Exception ex) => ex is HttpRequestException or IOException or TimeoutException;

    public async ValueTask DisposeAsync()
    {
        List<Chunk> chunks;
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            chunks = [.. _chunks.Values];
            _chunks.Clear();
        }
        await _stop.CancelAsync();
        lock (_gate)
            WakeWaitersForBuffers();
        await Task.WhenAll(chunks.Select(c => c.Fetch));
        _lengthKnown.TrySetCanceled();
        foreach (var chunk in chunks)
        {
            // A buffer still being read from (a response ffmpeg already hung up on) is left to the collector.
            lock (_gate)
            {
                if (chunk.Readers == 0)
                    _buffers.Return(chunk.Buffer);
                else
                    _buffers.Forget(chunk.Buffer);
            }
        }
        _stop.Dispose();
        _replacing.Dispose();
    }

    /// <summary>One chunk: its bytes as they arrive, and which reader went through all of them.</summary>
    private sealed class Chunk(long index, long start, int length, byte[] buffer)
    {
        private int _filled;
        private volatile bool _complete;
        private Signal? _waiting;

        public long Index { get; } = index;
        public long Start { get; } = start;
        public int Length { get; set; } = length;
        public byte[] Buffer { get; } = buffer;
        public Task Fetch { get; set; } = Task.CompletedTask;
        public Exception? Failure { get; set; }

        /// <summary>Readers inside the chunk right now (guarded by the session's lock): its buffer is not given back under them.</summary>
        public int Readers { get; set; }

        /// <summary>The reader that read the chunk to its end (0: none yet); guarded by the session's lock.</summary>
        public long ReadThroughBy { get; set; }

        /// <summary>When a reader last came into the chunk, on the session's own count; guarded by its lock.</summary>
        public long Touched { get; set; }

        public int Filled => Volatile.Read(ref _filled);

        public void Advance(int count)
        {
            Volatile.Write(ref _filled, _filled + count);
            Interlocked.Exchange(ref _waiting, null)?.Set();
        }

        public void Complete()
        {
            _complete = true;
            Interlocked.Exchange(ref _waiting, null)?.Set();
        }

        /// <summary>Waits until there are bytes at <paramref name="offset"/>; returns how many, 0 at the end of the file.</summary>
        public async ValueTask<int> WaitForDataAsync(int offset, CancellationToken cancellationToken)
        {
            while (true)
            {
                if (Filled > offset)
                    return Filled - offset;
                if (_complete)
                {
                    if (Failure is { } failure)
                        throw failure is OperationCanceledException ? new OperationCanceledException("The download was stopped.", failure) : failure;
                    return offset >= Length ? 0 : throw new DownloadException("A stream's chunk ended before its bytes arrived.");
                }
                var waiting = Volatile.Read(ref _waiting);
                if (waiting is null)
                {
                    var fresh = new Signal();
                    waiting = Interlocked.CompareExchange(ref _waiting, fresh, null) ?? fresh;
                }
                // Checked again after publishing the signal: bytes that arrived in between would not set it.
                if (Filled > offset || _complete)
                    continue;
                await waiting.Task.WaitAsync(cancellationToken);
            }
        }
    }

    /// <summary>A one-shot wake-up for whoever waits.</summary>
    private sealed class Signal
    {
        private readonly TaskCompletionSource _source = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Task Task => _source.Task;
        public void Set() => _source.TrySetResult();
    }

    /// <summary>A reader of the session from one position on, as a forward-only stream.</summary>
    private sealed class Reader(MediaSession session, long reader, long position) : ForwardReadStream
    {
        private long _position = position;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await session.ReadAsync(reader, _position, buffer, cancellationToken);
            _position += read;
            return read;
        }

        protected override long BytesRead => _position;
    }
}
