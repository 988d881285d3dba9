namespace YtDownloader.Pipeline.Mp4;

/// <summary>
/// The merged file as a stream to pull from: the header, then the inputs' fragments in time order (on a tie, the
/// lower track first), each written whole by its input (<see cref="DashInput"/>, <see cref="WebmInput"/>). Every
/// input is read front to back once, so each session fetches ahead as usual and nothing is fetched twice. Its
/// <see cref="Length"/> is known before the first byte when every input's head tells its fragments' size (DASH).
/// </summary>
public sealed class MergedMp4Stream : ForwardReadStream
{
    private readonly byte[] _header;
    private readonly MergeInput[] _inputs;
    private readonly Action<int>? _onConsumed;
    private readonly MergeCursor _cursor = new();
    private readonly long? _length;
    private MergeInput? _current;
    private int _headerServed;
    private bool _started;

    /// <param name="inputs">Each input, its head read, in the order of their track IDs (numbered here, from one).</param>
    /// <param name="onConsumed">Told each time bytes of an input were read.</param>
    internal MergedMp4Stream(IReadOnlyList<MergeInput> inputs, bool audioOnly, FileTags tags, Sources.ThumbnailImage? cover, Action<int>? onConsumed)
    {
        _inputs = [.. inputs];
        for (var i = 0; i < _inputs.Length; i++)
            _inputs[i].TrackId = (uint)i + 1;
        _header = MergedHeader.Write(_inputs, audioOnly, tags, cover);
        _onConsumed = onConsumed;
        _length = _inputs.All(i => i.FragmentBytes is not null) ? _header.Length + _inputs.Sum(i => i.FragmentBytes!.Value) : null;
    }

    /// <summary>The merged file's size in bytes, when known before it is written.</summary>
    public long? KnownLength => _length;

    /// <summary>The merged file's size in bytes: the header and every fragment of every input.</summary>
    public override long Length => _length ?? throw new NotSupportedException("The merged file's size is known once it is written.");

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
            return 0;
        if (!_started)
        {
            // The heads were read before the store was given this stream: they count as consumed once it reads.
            _started = true;
            foreach (var input in _inputs)
            {
                _onConsumed?.Invoke(checked((int)input.HeadBytes));
                input.CountReadsWith(_onConsumed);
            }
        }
        if (_headerServed < _header.Length)
        {
            var take = Math.Min(buffer.Length, _header.Length - _headerServed);
            _header.AsSpan(_headerServed, take).CopyTo(buffer.Span);
            _headerServed += take;
            return Served(take);
        }
        while (true)
        {
            if (_current is not null)
            {
                var read = await _current.ReadFragmentAsync(buffer, _cursor, cancellationToken);
                if (read > 0)
                    return Served(read);
                _current = null;
            }
            MediaTime? earliest = null;
            foreach (var input in _inputs)
            {
                if (await input.NextFragmentAsync(cancellationToken) is { } start && (earliest is null || start.CompareTo(earliest.Value) < 0))
                    (_current, earliest) = (input, start);
            }
            if (_current is null)
                return 0;
        }
    }

    private int Served(int count)
    {
        _cursor.Position += count;
        return count;
    }

    protected override long BytesRead => _cursor.Position;
}
