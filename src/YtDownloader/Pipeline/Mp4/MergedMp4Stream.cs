using System.Buffers.Binary;

namespace YtDownloader.Pipeline.Mp4;

/// <summary>
/// The merged file as a stream to pull from: the header, then every subsegment of the inputs in time order, each
/// moof rewritten in place (sequence number, track ID; sizes kept, so its data offsets still point into its mdat)
/// and each mdat read straight from the input's session into the reader's buffer. Every input is read front to back
/// once, so each session fetches ahead as usual and nothing is fetched twice. Its <see cref="Length"/> is known
/// before the first byte.
/// </summary>
public sealed class MergedMp4Stream : ForwardReadStream
{
    private readonly byte[] _header;
    private readonly Input[] _inputs;
    private readonly (int Input, int Subsegment)[] _order;
    private readonly Action<int>? _onConsumed;
    private byte[] _pending = new byte[64 * 1024];
    private int _headerServed;
    private int _pendingStart;
    private int _pendingEnd;
    private int _next;
    private Input? _current;
    private long _subsegmentLeft;
    private long _payloadLeft;
    private uint _sequence;
    private long _position;
    private bool _started;

    /// <param name="inputs">Each input's head and a reader of its session positioned just after the head (its first moof).</param>
    /// <param name="onConsumed">Told each time bytes of an input were read.</param>
    internal MergedMp4Stream(byte[] header, IReadOnlyList<(DashHead Head, Stream Source)> inputs, Action<int>? onConsumed)
    {
        _header = header;
        _inputs = inputs.Select((input, i) => new Input(input.Head, input.Source, (uint)i + 1)).ToArray();
        _onConsumed = onConsumed;
        // By earliest presentation time, in each input's own timescale; on a tie, the lower track first.
        _order = _inputs
            .SelectMany((input, i) => input.Head.Subsegments.Select((s, j) => (Input: i, Subsegment: j, Time: s.EarliestPresentationTime, input.Head.SidxTimescale)))
            .OrderBy(s => s, Comparer<(int Input, int Subsegment, long Time, uint Timescale)>.Create((a, b) =>
            {
                var byTime = ((Int128)a.Time * b.Timescale).CompareTo((Int128)b.Time * a.Timescale);
                return byTime != 0 ? byTime : a.Input.CompareTo(b.Input);
            }))
            .Select(s => (s.Input, s.Subsegment))
            .ToArray();
        Length = header.Length + _inputs.Sum(i => i.Head.Length - i.Head.FragmentsStart);
    }

    /// <summary>The merged file's size in bytes: the header and every fragment of every input.</summary>
    public override long Length { get; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
            return 0;
        if (!_started)
        {
            // The heads were read before the store was given this stream: they count as consumed once it reads.
            _started = true;
            foreach (var input in _inputs)
                _onConsumed?.Invoke(checked((int)input.Head.HeadBytes));
        }
        while (true)
        {
            if (_headerServed < _header.Length)
            {
                var take = Math.Min(buffer.Length, _header.Length - _headerServed);
                _header.AsSpan(_headerServed, take).CopyTo(buffer.Span);
                _headerServed += take;
                return Served(take);
            }
            if (_pendingStart < _pendingEnd)
            {
                var take = Math.Min(buffer.Length, _pendingEnd - _pendingStart);
                _pending.AsSpan(_pendingStart, take).CopyTo(buffer.Span);
                _pendingStart += take;
                return Served(take);
            }
            if (_payloadLeft > 0)
            {
                var read = await _current!.Source.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _payloadLeft)], cancellationToken);
                if (read == 0)
                    throw new DownloadException($"Stream {_current.TrackId} ended inside a fragment, before its announced size.");
                _payloadLeft -= read;
                _subsegmentLeft -= read;
                _current.Position += read;
                _onConsumed?.Invoke(read);
                return Served(read);
            }
            if (_current is not null && _subsegmentLeft > 0)
            {
                await NextBoxAsync(_current, cancellationToken);
                continue;
            }
            if (_next == _order.Length)
                return 0;
            var (input, subsegment) = _order[_next++];
            _current = _inputs[input];
            _subsegmentLeft = _current.Head.Subsegments[subsegment].Size;
        }
    }

    private int Served(int count)
    {
        _position += count;
        return count;
    }

    /// <summary>The next box of the subsegment: a moof read whole and rewritten, or the header of an mdat whose payload is then copied.</summary>
    private async Task NextBoxAsync(Input input, CancellationToken cancellationToken)
    {
        _pendingStart = 0;
        // Everything before this box is served, so it lands where the merged file is now.
        var moved = _position - input.Position;
        if (input.FirstMoof is { } first)
        {
            // Read with the head, and counted there.
            input.FirstMoof = null;
            Fill(first.Length);
            first.CopyTo(_pending, 0);
            _subsegmentLeft -= first.Length;
            input.Position += first.Length;
            Rewrite(input, first.Length, moved);
            return;
        }

        await ReadBoxBytesAsync(input, 0, 8, cancellationToken);
        var size = (long)BinaryPrimitives.ReadUInt32BigEndian(_pending);
        var type = BinaryPrimitives.ReadUInt32BigEndian(_pending.AsSpan(4));
        var headerSize = 8;
        if (size == 1)
        {
            await ReadBoxBytesAsync(input, 8, 8, cancellationToken);
            size = (long)BinaryPrimitives.ReadUInt64BigEndian(_pending.AsSpan(8));
            headerSize = 16;
        }
        if (size < headerSize || size - headerSize > _subsegmentLeft)
            throw new Mp4LayoutException($"A {BoxType.NameOf(type)} box of {size} bytes crosses the end of its subsegment in stream {input.TrackId}.");
        switch (type)
        {
            case BoxType.Moof:
                if (size > DashHeadReader.MostMoofBytes)
                    throw new Mp4LayoutException($"A moof of {size} bytes in stream {input.TrackId}.");
                Fill((int)size);
                await ReadBoxBytesAsync(input, headerSize, (int)size - headerSize, cancellationToken);
                Rewrite(input, (int)size, moved);
                break;
            case BoxType.Mdat or BoxType.Free or BoxType.Skip:
                _pendingEnd = headerSize;
                _payloadLeft = size - headerSize;
                break;
            default:
                throw new Mp4LayoutException($"A {BoxType.NameOf(type)} box among the fragments of stream {input.TrackId}.");
        }
    }

    private void Fill(int size)
    {
        if (_pending.Length < size)
            Array.Resize(ref _pending, size);
    }

    private void Rewrite(Input input, int size, long moved)
    {
        var moof = _pending.AsSpan(0, size);
        MoofLayout.Find(moof, input.Head.Track.TrackId).Rewrite(moof, ++_sequence, input.TrackId, moved);
        _pendingEnd = size;
    }

    /// <summary>Reads box bytes of the input into <see cref="_pending"/> at <paramref name="offset"/>.</summary>
    private async Task ReadBoxBytesAsync(Input input, int offset, int count, CancellationToken cancellationToken)
    {
        try
        {
            await input.Source.ReadExactlyAsync(_pending.AsMemory(offset, count), cancellationToken);
        }
        catch (EndOfStreamException)
        {
            throw new DownloadException($"Stream {input.TrackId} ended inside a fragment, before its announced size.");
        }
        _subsegmentLeft -= count;
        input.Position += count;
        _onConsumed?.Invoke(count);
    }

    protected override long BytesRead => _position;

    /// <summary>
    /// One input: its head, its session's reader, its track ID in the merged file, its first moof until it is
    /// written, and the position in the stream of the next byte to take from it.
    /// </summary>
    private sealed class Input(DashHead head, Stream source, uint trackId)
    {
        public DashHead Head { get; } = head;
        public Stream Source { get; } = source;
        public uint TrackId { get; } = trackId;
        public byte[]? FirstMoof { get; set; } = head.FirstMoof;
        public long Position { get; set; } = head.FragmentsStart;
    }
}
