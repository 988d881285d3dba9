using System.Buffers.Binary;

namespace YtDownloader.Pipeline.Mp4;

/// <summary>
/// A WebM input (YouTube's VP9 video and Opus sound streams) carried into the merged MP4 with no codec: its track
/// entry becomes a trak (vp09 with vpcC, or Opus with dOps and an edit for the pre-skip), and its blocks, read front
/// to back, become fragments: each Cluster one moof + mdat, or several when it holds more than
/// <see cref="MostFragmentBytes"/>, so that what is held stays small whatever the picture's bitrate. A moof precedes
/// the samples it describes and needs each one's size and duration, so a fragment's blocks are held until the first
/// block after them is read (a video sample lasts until the next one starts).
/// </summary>
internal sealed class WebmInput : MergeInput
{
    /// <summary>The most payload a fragment holds: a cluster of 4K video is megabytes.</summary>
    internal const int MostFragmentBytes = 1 << 20;

    // A fragment's samples are held with their moof fields: 20 s of Opus packets, a minute of 60 fps video.
    private const int MostFragmentSamples = 4096;

    // A block's header is its track number (one to eight bytes), a 16-bit time and a byte of flags.
    private const int MostBlockHeaderBytes = 11;
    private const int MostBlockGroupBytes = 16 << 20;
    private const byte KeyframeFlag = 0x80, LacingFlags = 0x06, InvisibleFlag = 0x08;
    private const uint SyncSample = 0x02000000, NonSyncSample = 0x01010000;
    private const int MoofFixedBytes = 8 + 16 + 8 + 16 + 20 + 20, BytesPerSample = 12;
    private const uint OpusTimescale = 48_000;

    private readonly EbmlReader _reader;
    private readonly WebmHead _head;
    private readonly uint _timescale;
    private readonly bool _isVideo;
    private readonly ushort _preSkip;
    private readonly List<Sample> _samples = [];
    private byte[] _data = new byte[256 * 1024];
    private int _dataEnd;
    private byte[] _moof = new byte[4096];
    private EbmlHeader? _pendingElement;
    private long? _clusterEnd;
    private long? _clusterTime;
    private bool _inCluster;
    private bool _newCluster;
    private bool _ended;
    private long _soundTime;
    private uint _lastDuration;

    /// <summary>The VP9 stream's configuration, read from its first frame (null for sound).</summary>
    private Vp9Config? _vp9;
    private long _headBytes;

    // The fragment being written: its moof and mdat header, then its samples' payloads.
    private bool _writing;
    private int _moofLength;
    private int _moofServed;
    private int _fragmentSamples;
    private int _payloadServed;
    private int _payloadEnd;

    private WebmInput(EbmlReader reader, WebmHead head, EbmlHeader firstCluster)
    {
        _reader = reader;
        _head = head;
        _isVideo = head.Track.Handler == BoxType.Vide;
        if (_isVideo && (1_000_000_000UL % head.TimecodeScale != 0))
            throw new Mp4LayoutException($"A WebM timecode scale of {head.TimecodeScale} ns, not a whole fraction of a second.");
        _timescale = _isVideo ? (uint)(1_000_000_000UL / head.TimecodeScale) : OpusTimescale;
        _preSkip = _isVideo ? (ushort)0 : WebmHeadReader.PreSkip(head.Track);
        _pendingElement = firstCluster;
    }

    /// <summary>
    /// Reads the head of a WebM stream and its first block (a VP9 stream's first frame tells its profile and bit depth,
    /// which its trak needs); the rest is read as the merged file is written.
    /// </summary>
    public static async Task<WebmInput> OpenAsync(Stream source, CancellationToken cancellationToken)
    {
        var reader = new EbmlReader(source);
        var (head, firstCluster) = await WebmHeadReader.ReadAsync(reader, cancellationToken);
        var input = new WebmInput(reader, head, firstCluster);
        if (!await input.ReadBlockAsync(cancellationToken))
            throw new Mp4LayoutException("The WebM stream has no blocks.");
        if (input._isVideo)
            input._vp9 = Vp9Config.Read(input._data.AsSpan(0, input._samples[0].Size));
        input._headBytes = reader.Taken;
        return input;
    }

    public override uint Handler => _head.Track.Handler;
    public override uint Codec => _isVideo ? BoxType.Vp09 : BoxType.Opus;
    public override long? FragmentBytes => null;
    public override long HeadBytes => _headBytes;

    /// <summary>The segment's duration: for sound, the time it plays (the pre-skip cut off).</summary>
    public override MediaTime Duration => new((long)Math.Round(_head.DurationTicks * _head.TimecodeScale * _timescale / 1e9), _timescale);

    public override void CountReadsWith(Action<int>? onConsumed) => _reader.OnTaken = onConsumed;

    public override async ValueTask<MediaTime?> NextFragmentAsync(CancellationToken cancellationToken)
    {
        if (_samples.Count == 0 && !await ReadBlockAsync(cancellationToken))
            return null;
        return new MediaTime(_samples[0].Time, _timescale);
    }

    public override async ValueTask<int> ReadFragmentAsync(Memory<byte> buffer, MergeCursor cursor, CancellationToken cancellationToken)
    {
        if (!_writing)
        {
            await CollectFragmentAsync(cancellationToken);
            WriteMoof(cursor.NextSequence());
            _writing = true;
        }
        if (_moofServed < _moofLength)
        {
            var take = Math.Min(buffer.Length, _moofLength - _moofServed);
            _moof.AsSpan(_moofServed, take).CopyTo(buffer.Span);
            _moofServed += take;
            return take;
        }
        if (_payloadServed < _payloadEnd)
        {
            var take = Math.Min(buffer.Length, _payloadEnd - _payloadServed);
            _data.AsSpan(_payloadServed, take).CopyTo(buffer.Span);
            _payloadServed += take;
            return take;
        }
        // Written: what was read past the fragment (one block at most) moves to the front.
        _writing = false;
        _samples.RemoveRange(0, _fragmentSamples);
        _data.AsSpan(_payloadEnd, _dataEnd - _payloadEnd).CopyTo(_data);
        for (var i = 0; i < _samples.Count; i++)
            _samples[i] = _samples[i] with { Offset = _samples[i].Offset - _payloadEnd };
        _dataEnd -= _payloadEnd;
        return 0;
    }

    /// <summary>
    /// Reads blocks until the fragment's end is known: the first block of the next cluster, the first past
    /// <see cref="MostFragmentBytes"/>, or the stream's end. Every sample of the fragment then has its duration.
    /// </summary>
    private async Task CollectFragmentAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var count = _samples.Count;
            if (!await ReadBlockAsync(cancellationToken))
            {
                Close(count, next: null);
                return;
            }
            var newest = _samples[^1];
            if (newest.StartsCluster || newest.Offset >= MostFragmentBytes || count == MostFragmentSamples)
            {
                Close(count, next: newest.Time);
                return;
            }
        }
    }

    /// <summary>The fragment is the first <paramref name="count"/> samples; a video sample lasts until the next starts.</summary>
    private void Close(int count, long? next)
    {
        _fragmentSamples = count;
        if (!_isVideo)
            return;
        for (var i = 0; i < count; i++)
        {
            var end = i + 1 < count ? _samples[i + 1].Time : next ?? LastSampleEnd(_samples[i].Time);
            if (end <= _samples[i].Time || end - _samples[i].Time > uint.MaxValue)
                throw new Mp4LayoutException($"WebM blocks out of time order at {_samples[i].Time} ticks of track {TrackId}.");
            _lastDuration = (uint)(end - _samples[i].Time);
            _samples[i] = _samples[i] with { Duration = _lastDuration };
        }
    }

    /// <summary>The last frame lasts the track's frame duration, or to the segment's end, or as long as the one before it.</summary>
    private long LastSampleEnd(long start)
    {
        if (_head.Track.DefaultDurationNs > 0)
            return start + Math.Max(1, (long)Math.Round((double)_head.Track.DefaultDurationNs / _head.TimecodeScale));
        var end = (long)Math.Round(_head.DurationTicks);
        return end > start ? end : start + Math.Max(1u, _lastDuration);
    }

    /// <summary>
    /// The fragment's moof and its mdat's header, into a buffer kept for the input: written field by field rather than
    /// with <see cref="BoxWriter"/>, whose stream would be a new allocation for each of a gigabyte's thousands of fragments.
    /// </summary>
    private void WriteMoof(uint sequence)
    {
        var samples = _fragmentSamples;
        var moofSize = MoofFixedBytes + BytesPerSample * samples;
        _payloadServed = 0;
        _payloadEnd = samples == 0 ? 0 : _samples[samples - 1].Offset + _samples[samples - 1].Size;
        _moofLength = moofSize + 8;
        _moofServed = 0;
        if (_moof.Length < _moofLength)
            Array.Resize(ref _moof, _moofLength * 2);

        var at = 0;
        var moof = _moof.AsSpan();

        Box(moof, ref at, moofSize, BoxType.Moof);
        Box(moof, ref at, 16, BoxType.Mfhd);
        Put32(moof, ref at, 0);
        Put32(moof, ref at, sequence);
        Box(moof, ref at, moofSize - 24, BoxType.Traf);
        Box(moof, ref at, 16, BoxType.Tfhd);
        Put32(moof, ref at, 0x020000); // default-base-is-moof: the data offset counts from this moof, wherever it lands
        Put32(moof, ref at, TrackId);
        Box(moof, ref at, 20, BoxType.Tfdt);
        Put32(moof, ref at, 0x01000000); // version 1: a 64-bit decode time
        Put32(moof, ref at, (uint)((ulong)_samples[0].Time >> 32));
        Put32(moof, ref at, (uint)_samples[0].Time);
        Box(moof, ref at, 20 + BytesPerSample * samples, BoxType.Trun);
        Put32(moof, ref at, 0x000701); // data offset, and each sample's duration, size and flags
        Put32(moof, ref at, (uint)samples);
        Put32(moof, ref at, (uint)_moofLength); // the first payload byte: after this moof and the mdat's header
        for (var i = 0; i < samples; i++)
        {
            var sample = _samples[i];
            Put32(moof, ref at, sample.Duration);
            Put32(moof, ref at, (uint)sample.Size);
            Put32(moof, ref at, sample.IsSync ? SyncSample : NonSyncSample);
        }
        Box(moof, ref at, 8 + _payloadEnd, BoxType.Mdat);
    }

    private static void Put32(Span<byte> into, ref int at, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(into[at..], value);
        at += 4;
    }

    private static void Box(Span<byte> into, ref int at, int size, uint type)
    {
        Put32(into, ref at, (uint)size);
        Put32(into, ref at, type);
    }

    /// <summary>
    /// Reads the next block of the track into the held samples, passing over the cluster's other elements and the
    /// segment's after the clusters (Cues, Tags); false at the stream's end.
    /// </summary>
    private async Task<bool> ReadBlockAsync(CancellationToken cancellationToken)
    {
        while (!_ended)
        {
            if (!_inCluster)
            {
                var element = _pendingElement ?? await _reader.NextAsync(cancellationToken);
                _pendingElement = null;
                if (element is not { } top)
                {
                    _ended = true;
                    break;
                }
                if (top.Id == EbmlId.Cluster)
                {
                    (_inCluster, _newCluster, _clusterTime) = (true, true, null);
                    _clusterEnd = top.Size is { } size ? _reader.Position + size : null;
                    continue;
                }
                if (top.Size is not { } skip)
                    throw new Mp4LayoutException($"A WebM element {top.Id:X} of unknown size among the clusters.");
                await _reader.SkipAsync(skip, cancellationToken);
                continue;
            }

            if (_clusterEnd is { } end && _reader.Position >= end)
            {
                if (_reader.Position > end)
                    throw new Mp4LayoutException($"An element crosses the end of its WebM cluster in track {TrackId}.");
                _inCluster = false;
                continue;
            }
            var child = await _reader.NextAsync(cancellationToken);
            if (child is not { } c || (_clusterEnd is null && EbmlId.IsSegmentChild(c.Id)))
            {
                // A cluster of unknown size ends where the segment's next element starts, or with the stream.
                if (child is null && _clusterEnd is not null)
                    throw new DownloadException($"The WebM stream of track {TrackId} ended inside a cluster.");
                _inCluster = false;
                _pendingElement = child;
                continue;
            }
            switch (c.Id)
            {
                case EbmlId.Timecode:
                    var time = await _reader.ReadDataAsync(c, 8, cancellationToken);
                    _clusterTime = (long)Ebml.UInt(time, new EbmlSpan(c.Id, 0, time.Length));
                    break;
                case EbmlId.SimpleBlock:
                    await ReadSimpleBlockAsync(c, cancellationToken);
                    return true;
                case EbmlId.BlockGroup:
                    ReadBlockGroup(await _reader.ReadDataAsync(c, MostBlockGroupBytes, cancellationToken));
                    return true;
                case EbmlId.Void or EbmlId.Crc32 or EbmlId.Position or EbmlId.PrevSize:
                    await _reader.SkipAsync(c.Size ?? throw new Mp4LayoutException("A WebM element of unknown size inside a cluster."), cancellationToken);
                    break;
                default:
                    throw new Mp4LayoutException($"A WebM cluster holds an element {c.Id:X}, which the merge does not carry.");
            }
        }
        return false;
    }

    private async Task ReadSimpleBlockAsync(EbmlHeader block, CancellationToken cancellationToken)
    {
        if (block.Size is not { } size || size > MostBlockGroupBytes)
            throw new Mp4LayoutException($"A WebM block of {(block.Size?.ToString() ?? "unknown size")}, more than a frame takes.");
        var header = await _reader.PeekAsync((int)Math.Min(size, MostBlockHeaderBytes), cancellationToken);
        var (relative, flags, headerLength) = ReadBlockHeader(header.Span);
        if ((flags & (LacingFlags | InvisibleFlag)) != 0)
            throw new Mp4LayoutException("A WebM block with laced or invisible frames, which the merge does not carry.");
        _reader.Advance(headerLength);
        var payload = (int)size - headerLength;
        var offset = Reserve(payload);
        await _reader.ReadExactlyAsync(_data.AsMemory(offset, payload), cancellationToken);
        Add(relative, (flags & KeyframeFlag) != 0, offset, payload);
    }

    /// <summary>A BlockGroup (the last Opus block of a stream, with its padding to discard): a Block, keyframe unless it references another.</summary>
    private void ReadBlockGroup(byte[] group)
    {
        var fields = EbmlSpan.Children(group, 0, group.Length);
        if (fields.Any(f => f.Id == EbmlId.BlockAdditions))
            throw new Mp4LayoutException("A WebM block with additions, which the merge does not carry.");
        var block = EbmlSpan.Single(fields, EbmlId.Block) ?? throw new Mp4LayoutException("A WebM block group without a block.");
        var (relative, flags, headerLength) = ReadBlockHeader(group.AsSpan(block.DataStart, Math.Min(block.Size, MostBlockHeaderBytes)));
        if ((flags & LacingFlags) != 0)
            throw new Mp4LayoutException("A WebM block with laced frames, which the merge does not carry.");
        var payload = block.Size - headerLength;
        var offset = Reserve(payload);
        group.AsSpan(block.DataStart + headerLength, payload).CopyTo(_data.AsSpan(offset));
        Add(relative, fields.All(f => f.Id != EbmlId.ReferenceBlock), offset, payload);
    }

    private (short Relative, byte Flags, int Length) ReadBlockHeader(ReadOnlySpan<byte> header)
    {
        var (track, length) = Ebml.ReadSize(header);
        if (header.Length < length + 3)
            throw new Mp4LayoutException("A WebM block is cut short inside its header.");
        if (track != (long)_head.Track.Number)
            throw new Mp4LayoutException($"A WebM block of track {track}, not of the stream's track {_head.Track.Number}.");
        return (BinaryPrimitives.ReadInt16BigEndian(header[length..]), header[length + 2], length + 3);
    }

    /// <summary>Room at the end of the held payloads for <paramref name="size"/> bytes; where they go.</summary>
    private int Reserve(int size)
    {
        if (_dataEnd + size > _data.Length)
            Array.Resize(ref _data, Math.Max(_data.Length * 2, _dataEnd + size));
        var offset = _dataEnd;
        _dataEnd += size;
        return offset;
    }

    private void Add(short relative, bool keyframe, int offset, int size)
    {
        if (_clusterTime is not { } clusterTime)
            throw new Mp4LayoutException("A WebM block before its cluster's timecode.");
        long time;
        uint duration = 0;
        if (_isVideo)
        {
            time = clusterTime + relative;
            if (time < 0)
                throw new Mp4LayoutException("A WebM video block before time zero.");
        }
        else
        {
            // Sound runs by its packets' own lengths, exact in 48 kHz samples, from zero (the pre-skip included).
            duration = OpusPacket.Samples(_data.AsSpan(offset, size));
            time = _soundTime;
            _soundTime += duration;
        }
        _samples.Add(new Sample(time, offset, size, keyframe || !_isVideo, _newCluster, duration));
        _newCluster = false;
    }

    public override byte[] Trak(ulong duration)
    {
        var track = _head.Track;
        var box = new BoxWriter();
        box.Open(BoxType.Trak);
        box.Open(BoxType.Tkhd, 1, 3); // enabled, in the movie
        box.UInt64(0); // created
        box.UInt64(0); // modified
        box.UInt32(TrackId);
        box.UInt32(0);
        box.UInt64(duration);
        box.Zeros(8);
        box.UInt16(0); // layer
        box.UInt16((ushort)(_isVideo ? 0 : 1)); // alternate group, as ffmpeg numbers sound
        box.UInt16((ushort)(_isVideo ? 0 : 0x0100)); // volume
        box.UInt16(0);
        MergedHeader.WriteUnityMatrix(box);
        box.UInt32((uint)track.DisplayWidth << 16);
        box.UInt32((uint)track.DisplayHeight << 16);
        box.Close();
        if (_preSkip > 0)
        {
            // The decoder's first samples are not sound: the edit starts the track after them.
            box.Open(BoxType.Edts);
            box.Open(BoxType.Elst, 1, 0);
            box.UInt32(1);
            box.UInt64(duration);
            box.UInt64(_preSkip);
            box.UInt32(0x00010000);
            box.Close();
            box.Close();
        }
        box.Open(BoxType.Mdia);
        box.Open(BoxType.Mdhd, 1, 0);
        box.UInt64(0);
        box.UInt64(0);
        box.UInt32(_timescale);
        box.UInt64((ulong)Duration.Ticks + _preSkip);
        box.UInt16(0x55c4); // "und"
        box.UInt16(0);
        box.Close();
        box.Open(BoxType.Hdlr, 0, 0);
        box.UInt32(0);
        box.UInt32(Handler);
        box.Zeros(12);
        box.Bytes(_isVideo ? "VideoHandler\0"u8 : "SoundHandler\0"u8);
        box.Close();
        box.Open(BoxType.Minf);
        if (_isVideo)
        {
            box.Open(BoxType.Vmhd, 0, 1);
            box.Zeros(8);
        }
        else
        {
            box.Open(BoxType.Smhd, 0, 0);
            box.Zeros(4);
        }
        box.Close();
        box.Open(BoxType.Dinf);
        box.Open(BoxType.Dref, 0, 0);
        box.UInt32(1);
        box.Open(BoxType.Url, 0, 1); // the media is in this file
        box.Close();
        box.Close();
        box.Close();
        box.Open(BoxType.Stbl);
        box.Open(BoxType.Stsd, 0, 0);
        box.UInt32(1);
        if (_isVideo)
            WriteVp09(box, track);
        else
            WriteOpus(box, track);
        box.Close();
        // No samples here: they are all in the fragments.
        foreach (var table in (uint[])[BoxType.Stts, BoxType.Stsc, BoxType.Stco])
        {
            box.Open(table, 0, 0);
            box.UInt32(0);
            box.Close();
        }
        box.Open(BoxType.Stsz, 0, 0);
        box.UInt64(0);
        box.Close();
        box.Close();
        box.Close();
        box.Close();
        box.Close();
        return box.ToArray();
    }

    private void WriteVp09(BoxWriter box, WebmTrack track)
    {
        var vp9 = _vp9!.Value;
        box.Open(BoxType.Vp09);
        box.Zeros(6);
        box.UInt16(1); // data reference
        box.Zeros(16);
        box.UInt16((ushort)track.Width);
        box.UInt16((ushort)track.Height);
        box.UInt32(0x00480000); // 72 dpi
        box.UInt32(0x00480000);
        box.UInt32(0);
        box.UInt16(1); // frames per sample
        box.Zeros(32); // compressor name
        box.UInt16(0x0018); // depth
        box.UInt16(0xffff);
        box.Open(BoxType.Vpcc, 1, 0);
        var framesPerSecond = track.DefaultDurationNs > 0 ? 1e9 / track.DefaultDurationNs : 0;
        box.Byte(vp9.Profile);
        box.Byte(Vp9Config.Level(track.Width, track.Height, framesPerSecond));
        var fullRange = track.Colour.FullRange ?? vp9.FullRange;
        box.Byte((byte)((vp9.BitDepth << 4) | (vp9.ChromaSubsampling(track.Colour) << 1) | (fullRange ? 1 : 0)));
        box.Byte(track.Colour.Primaries);
        box.Byte(track.Colour.Transfer);
        box.Byte(track.Colour.Matrix ?? vp9.Matrix);
        box.UInt16(0); // no codec initialization data
        box.Close();
        box.Close();
    }

    /// <summary>Opus in ISO BMFF (Encapsulation of Opus in ISO Base Media File Format, 4.3): the OpusHead's fields in dOps, big-endian.</summary>
    private static void WriteOpus(BoxWriter box, WebmTrack track)
    {
        var head = track.CodecPrivate.AsSpan();
        box.Open(BoxType.Opus);
        box.Zeros(6);
        box.UInt16(1); // data reference
        box.Zeros(8);
        box.UInt16((ushort)track.Channels);
        box.UInt16(16); // sample size
        box.Zeros(4);
        box.UInt32(OpusTimescale << 16);
        box.Open(BoxType.Dops);
        box.Byte(0); // version
        box.Byte(head[9]); // output channels
        box.UInt16(BinaryPrimitives.ReadUInt16LittleEndian(head[10..]));
        box.UInt32(BinaryPrimitives.ReadUInt32LittleEndian(head[12..]));
        box.UInt16((ushort)BinaryPrimitives.ReadInt16LittleEndian(head[16..]));
        box.Byte(head[18]); // channel mapping family
        if (head[18] != 0)
            box.Bytes(head.Slice(19, 2 + head[9])); // stream count, coupled count, mapping
        box.Close();
        box.Close();
    }

    public override byte[] Trex()
    {
        var box = new BoxWriter();
        box.Open(BoxType.Trex, 0, 0);
        box.UInt32(TrackId);
        box.UInt32(1); // sample description
        box.Zeros(12); // default duration, size and flags: every trun says its own
        box.Close();
        return box.ToArray();
    }

    /// <summary>One held block: its decode time in the track's ticks, where its payload is held, and its moof fields.</summary>
    private readonly record struct Sample(long Time, int Offset, int Size, bool IsSync, bool StartsCluster, uint Duration);
}
