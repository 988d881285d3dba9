namespace YtDownloader.Pipeline.Mp4;

/// <summary>A time as a count of a timescale's ticks, compared across timescales without rounding.</summary>
internal readonly record struct MediaTime(long Ticks, uint Timescale) : IComparable<MediaTime>
{
    public int CompareTo(MediaTime other) => ((Int128)Ticks * other.Timescale).CompareTo((Int128)other.Ticks * Timescale);

    public ulong In(uint timescale) => (ulong)(((UInt128)(ulong)Math.Max(0, Ticks) * timescale + Timescale / 2) / Timescale);
}

/// <summary>What the merged file is writing when it asks an input for bytes: where in the file, and the next moof's number.</summary>
internal sealed class MergeCursor
{
    private uint _sequence;

    /// <summary>The position in the merged file of the next byte written.</summary>
    public long Position { get; set; }

    public uint NextSequence() => ++_sequence;
}

/// <summary>
/// One stream of the merge, whose head has been read: what its trak in the merged moov says, and its fragments, read
/// front to back once from its session and written into the merged file one after another, in time order with the
/// other inputs' (<see cref="MergedMp4Stream"/>).
/// </summary>
internal abstract class MergeInput
{
    /// <summary>Its track ID in the merged file: its place among the inputs, from one.</summary>
    public uint TrackId { get; set; }

    /// <summary><see cref="BoxType.Vide"/> or <see cref="BoxType.Soun"/>.</summary>
    public abstract uint Handler { get; }

    /// <summary>Its sample entry's type: the codec, which the merged file's brands name.</summary>
    public abstract uint Codec { get; }

    public abstract MediaTime Duration { get; }

    /// <summary>The bytes its fragments take in the merged file, when its head tells them before the first is read.</summary>
    public abstract long? FragmentBytes { get; }

    /// <summary>The bytes of the stream read with its head, counted once the merged file starts.</summary>
    public abstract long HeadBytes { get; }

    /// <summary>From the merged file's start on, told of each read of the stream (after <see cref="HeadBytes"/>).</summary>
    public abstract void CountReadsWith(Action<int>? onConsumed);

    /// <param name="duration">The track's length in the merged movie's timescale.</param>
    public abstract byte[] Trak(ulong duration);

    public abstract byte[] Trex();

    /// <summary>When the next fragment starts, or null when every fragment is written.</summary>
    public abstract ValueTask<MediaTime?> NextFragmentAsync(CancellationToken cancellationToken);

    /// <summary>The next bytes of the fragment <see cref="NextFragmentAsync"/> announced; 0 once it is all written.</summary>
    public abstract ValueTask<int> ReadFragmentAsync(Memory<byte> buffer, MergeCursor cursor, CancellationToken cancellationToken);
}
