using System.Buffers.Binary;

namespace YtDownloader.Pipeline.Mp4;

/// <summary>Writes MP4 boxes into memory: a box is opened, filled, and closed, which writes its size back.</summary>
internal sealed class BoxWriter
{
    private readonly MemoryStream _bytes = new();
    private readonly Stack<long> _open = new();

    public long Length => _bytes.Length;

    public void Open(uint type)
    {
        _open.Push(_bytes.Position);
        UInt32(0);
        UInt32(type);
    }

    /// <summary>A full box: version and flags after the type.</summary>
    public void Open(uint type, byte version, uint flags)
    {
        Open(type);
        UInt32(((uint)version << 24) | (flags & 0xffffff));
    }

    public void Close()
    {
        var start = _open.Pop();
        var size = _bytes.Position - start;
        BinaryPrimitives.WriteUInt32BigEndian(_bytes.GetBuffer().AsSpan((int)start), checked((uint)size));
    }

    public void Byte(byte value) => _bytes.WriteByte(value);

    public void UInt16(ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        _bytes.Write(bytes);
    }

    public void UInt32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        _bytes.Write(bytes);
    }

    public void UInt64(ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        _bytes.Write(bytes);
    }

    public void Zeros(int count)
    {
        for (var i = 0; i < count; i++)
            _bytes.WriteByte(0);
    }

    public void Bytes(ReadOnlySpan<byte> bytes) => _bytes.Write(bytes);

    public byte[] ToArray() =>
        _open.Count == 0 ? _bytes.ToArray() : throw new InvalidOperationException("A box is still open.");
}
