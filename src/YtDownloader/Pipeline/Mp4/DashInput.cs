using System.Buffers.Binary;

namespace YtDownloader.Pipeline.Mp4;

/// <summary>
/// A DASH fragmented MP4 input (YouTube's H.264 and AAC streams): its trak as it came, with our track ID, duration
/// and edit list written in; its subsegments copied as they are, each moof rewritten in place (sequence number, track
/// ID; sizes kept, so its data offsets still point into its mdat) and each mdat read straight from the session into
/// the reader's buffer.
/// </summary>
internal sealed class DashInput(DashHead head, Stream source) : MergeInput
{
    private byte[] _pending = new byte[64 * 1024];
    private int _pendingStart;
    private int _pendingEnd;
    private int _next;
    private bool _inSubsegment;
    private long _subsegmentLeft;
    private long _payloadLeft;
    private byte[]? _firstMoof = head.FirstMoof;
    private Action<int>? _onConsumed;

    /// <summary>The position in the stream of the next byte to take from it.</summary>
    private long _position = head.FragmentsStart;

    public override uint Handler => head.Track.Handler;
    public override uint Codec => head.Track.Codec;
    public override MediaTime Duration => new(head.Duration, head.SidxTimescale);
    public override long? FragmentBytes => head.Length - head.FragmentsStart;
    public override long HeadBytes => head.HeadBytes;

    public override void CountReadsWith(Action<int>? onConsumed) => _onConsumed = onConsumed;

    /// <summary>The input's trak as it came, with our track ID, its duration, and its edit list in our timescale.</summary>
    public override byte[] Trak(ulong duration)
    {
        var track = head.Track;
        var trak = track.Trak.ToArray();
        var fields = track.Fields;
        BinaryPrimitives.WriteUInt32BigEndian(trak.AsSpan(fields.TrackId), TrackId);
        if (fields.LongDuration)
            BinaryPrimitives.WriteUInt64BigEndian(trak.AsSpan(fields.Duration), duration);
        else
            BinaryPrimitives.WriteUInt32BigEndian(trak.AsSpan(fields.Duration), checked((uint)duration));
        if (fields.EditDuration >= 0)
        {
            var span = trak.AsSpan(fields.EditDuration);
            if (fields.LongEditDuration)
                BinaryPrimitives.WriteUInt64BigEndian(span, Rescale(BinaryPrimitives.ReadUInt64BigEndian(span), track.MovieTimescale));
            else
                BinaryPrimitives.WriteUInt32BigEndian(span, checked((uint)Rescale(BinaryPrimitives.ReadUInt32BigEndian(span), track.MovieTimescale)));
        }
        return trak;
    }

    private static ulong Rescale(ulong value, uint from) => new MediaTime((long)value, from).In(MergedHeader.MovieTimescale);

    public override byte[] Trex()
    {
        var trex = head.Track.Trex.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(trex.AsSpan(12), TrackId);
        return trex;
    }

    public override ValueTask<MediaTime?> NextFragmentAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<MediaTime?>(_next < head.Subsegments.Count
            ? new MediaTime(head.Subsegments[_next].EarliestPresentationTime, head.SidxTimescale)
            : null);

    public override async ValueTask<int> ReadFragmentAsync(Memory<byte> buffer, MergeCursor cursor, CancellationToken cancellationToken)
    {
        if (!_inSubsegment)
        {
            _inSubsegment = true;
            _subsegmentLeft = head.Subsegments[_next++].Size;
        }
        while (true)
        {
            if (_pendingStart < _pendingEnd)
            {
                var take = Math.Min(buffer.Length, _pendingEnd - _pendingStart);
                _pending.AsSpan(_pendingStart, take).CopyTo(buffer.Span);
                _pendingStart += take;
                return take;
            }
            if (_payloadLeft > 0)
            {
                var read = await source.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _payloadLeft)], cancellationToken);
                if (read == 0)
                    throw new DownloadException($"Stream {TrackId} ended inside a fragment, before its announced size.");
                _payloadLeft -= read;
                _subsegmentLeft -= read;
                _position += read;
                _onConsumed?.Invoke(read);
                return read;
            }
            if (_subsegmentLeft > 0)
            {
                await NextBoxAsync(cursor, cancellationToken);
                continue;
            }
            _inSubsegment = false;
            return 0;
        }
    }

    /// <summary>The next box of the subsegment: a moof read whole and rewritten, or the header of an mdat whose payload is then copied.</summary>
    private async Task NextBoxAsync(MergeCursor cursor, CancellationToken cancellationToken)
    {
        _pendingStart = 0;
        // Everything before this box is written, so it lands where the merged file is now.
        var moved = cursor.Position - _position;
        if (_firstMoof is { } first)
        {
            // Read with the head, and counted there.
            _firstMoof = null;
            Fill(first.Length);
            first.CopyTo(_pending, 0);
            _subsegmentLeft -= first.Length;
            _position += first.Length;
            Rewrite(first.Length, moved, cursor);
            return;
        }

        await ReadBoxBytesAsync(0, 8, cancellationToken);
        var size = (long)BinaryPrimitives.ReadUInt32BigEndian(_pending);
        var type = BinaryPrimitives.ReadUInt32BigEndian(_pending.AsSpan(4));
        var headerSize = 8;
        if (size == 1)
        {
            await ReadBoxBytesAsync(8, 8, cancellationToken);
            size = (long)BinaryPrimitives.ReadUInt64BigEndian(_pending.AsSpan(8));
            headerSize = 16;
        }
        if (size < headerSize || size - headerSize > _subsegmentLeft)
            throw new Mp4LayoutException($"A {BoxType.NameOf(type)} box of {size} bytes crosses the end of its subsegment in stream {TrackId}.");
        switch (type)
        {
            case BoxType.Moof:
                if (size > DashHeadReader.MostMoofBytes)
                    throw new Mp4LayoutException($"A moof of {size} bytes in stream {TrackId}.");
                Fill((int)size);
                await ReadBoxBytesAsync(headerSize, (int)size - headerSize, cancellationToken);
                Rewrite((int)size, moved, cursor);
                break;
            case BoxType.Mdat or BoxType.Free or BoxType.Skip:
                _pendingEnd = headerSize;
                _payloadLeft = size - headerSize;
                break;
            default:
                throw new Mp4LayoutException($"A {BoxType.NameOf(type)} box among the fragments of stream {TrackId}.");
        }
    }

    private void Fill(int size)
    {
        if (_pending.Length < size)
            Array.Resize(ref _pending, size);
    }

    private void Rewrite(int size, long moved, MergeCursor cursor)
    {
        var moof = _pending.AsSpan(0, size);
        MoofLayout.Find(moof, head.Track.TrackId).Rewrite(moof, cursor.NextSequence(), TrackId, moved);
        _pendingEnd = size;
    }

    /// <summary>Reads box bytes of the stream into <see cref="_pending"/> at <paramref name="offset"/>.</summary>
    private async Task ReadBoxBytesAsync(int offset, int count, CancellationToken cancellationToken)
    {
        try
        {
            await source.ReadExactlyAsync(_pending.AsMemory(offset, count), cancellationToken);
        }
        catch (EndOfStreamException)
        {
            throw new DownloadException($"Stream {TrackId} ended inside a fragment, before its announced size.");
        }
        _subsegmentLeft -= count;
        _position += count;
        _onConsumed?.Invoke(count);
    }
}
