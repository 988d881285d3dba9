using System.Net;
using System.Net.Http.Headers;

namespace YtDownloader.Pipeline;

/// <summary>
/// A forward-only stream over a remote file, fetched in ranged chunks. A failed or dropped chunk is asked for
/// again from the exact byte where it stopped, so a flaky connection costs a retry, never a restart.
/// Only one chunk's response is open at a time and nothing is buffered beyond the caller's buffer.
/// </summary>
internal sealed class RangedMediaStream(
    HttpClient http, Uri url, long offset, long? knownLength, PipelineOptions options, ILogger logger) : Stream
{
    private long _position = offset;
    private long? _length = knownLength;
    private HttpResponseMessage? _response;
    private Stream? _body;
    private long _chunkEnd; // inclusive end of the open chunk's range

    /// <summary>The total size of the remote file, once known.</summary>
    public long? RemoteLength => _length;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
            return 0;
        var failures = 0;
        while (true)
        {
            if (_length is { } length && _position >= length)
                return 0;
            try
            {
                if (_body is null && !await OpenChunkAsync(cancellationToken))
                    return 0;

                var read = await _body!.ReadAsync(buffer, cancellationToken);
                if (read > 0)
                {
                    _position += read;
                    return read;
                }

                var chunkComplete = _position > _chunkEnd || (_length is { } total && _position >= total);
                CloseChunk();
                if (!chunkComplete)
                    throw new IOException($"The connection ended at byte {_position}, before the end of the requested range.");
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                CloseChunk();
                failures++;
                if (failures > options.MaxRetries)
                    throw new DownloadException($"Downloading a stream failed at byte {_position} after {options.MaxRetries} retries: {ex.Message}", ex);
                var delay = options.RetryDelay * Math.Pow(2, failures - 1);
                logger.LogWarning("Stream read failed at byte {Position} ({Error}); retry {Attempt} in {Delay} ms",
                    _position, ex.Message, failures, delay.TotalMilliseconds);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    /// <summary>Opens the next chunk; false when the server says there is nothing at this offset.</summary>
    private async Task<bool> OpenChunkAsync(CancellationToken cancellationToken)
    {
        var end = _position + options.ChunkSize - 1;
        if (_length is { } length)
            end = Math.Min(end, length - 1);

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Range = new RangeHeaderValue(_position, end);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        try
        {
            switch (response.StatusCode)
            {
                case HttpStatusCode.PartialContent:
                    if (response.Content.Headers.ContentRange is { } range)
                    {
                        if (range.From != _position)
                            throw new IOException($"The server answered a range starting at {range.From} instead of {_position}.");
                        _length ??= range.Length;
                        end = range.To ?? end;
                    }
                    break;
                case HttpStatusCode.OK:
                    // The server ignores ranges: read the whole body, skipping what was already delivered.
                    _length ??= response.Content.Headers.ContentLength;
                    end = long.MaxValue;
                    break;
                case HttpStatusCode.RequestedRangeNotSatisfiable:
                    _length ??= _position;
                    response.Dispose();
                    return false;
                case >= HttpStatusCode.InternalServerError or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout:
                    throw new HttpRequestException($"The media server answered HTTP {(int)response.StatusCode}.");
                default:
                    throw new DownloadException(
                        $"The media server refused the stream with HTTP {(int)response.StatusCode}; its link may have expired: ask for the video again.");
            }

            _body = await response.Content.ReadAsStreamAsync(cancellationToken);
            _response = response;
            _chunkEnd = end;
            if (response.StatusCode == HttpStatusCode.OK && _position > 0)
                await SkipAsync(_body, _position, cancellationToken);
            return true;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static async Task SkipAsync(Stream body, long count, CancellationToken cancellationToken)
    {
        var scratch = new byte[81920];
        while (count > 0)
        {
            var read = await body.ReadAsync(scratch.AsMemory(0, (int)Math.Min(scratch.Length, count)), cancellationToken);
            if (read == 0)
                throw new IOException("The connection ended while skipping to the resume offset.");
            count -= read;
        }
    }

    private void CloseChunk()
    {
        _body?.Dispose();
        _response?.Dispose();
        _body = null;
        _response = null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            CloseChunk();
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
}
