namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>A rewrite of a WebM file made by ffmpeg into a layout a stream may have and ffmpeg does not write.</summary>
public static class WebmEdits
{
    private const uint Segment = 0x18538067, Cluster = 0x1F43B675;

    /// <summary>
    /// Puts an empty element of <paramref name="id"/> (as Matroska's tables write IDs, e.g. 0x5854 SilentTracks) first
    /// in cluster <paramref name="cluster"/>, and grows that cluster's and the segment's sizes by it. The positions in
    /// the Cues and the SeekHead stay as they were: a reader going front to back does not look at them.
    /// </summary>
    public static byte[] InsertIntoCluster(byte[] file, int cluster, uint id)
    {
        var idLength = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1;
        byte[] element = [.. Enumerable.Range(0, idLength).Select(i => (byte)(id >> (8 * (idLength - 1 - i)))), 0x80];
        var edited = file.ToArray();
        var ebml = Header(edited, 0);
        var segmentAt = ebml.Data.DataStart + ebml.Data.Size;
        if (Id(edited, segmentAt) != Segment)
            throw new InvalidOperationException("No Segment after the EBML header.");
        var segment = Header(edited, segmentAt);
        Grow(edited, segment.SizeField, element.Length);

        for (int position = segment.Data.DataStart, seen = 0; position < edited.Length;)
        {
            var (size, data) = Header(edited, position);
            if (Id(edited, position) == Cluster && seen++ == cluster)
            {
                Grow(edited, size, element.Length);
                return [.. edited.AsSpan(0, data.DataStart), .. element, .. edited.AsSpan(data.DataStart)];
            }
            position = data.DataStart + data.Size;
        }
        throw new InvalidOperationException($"The file has fewer than {cluster + 1} clusters.");
    }

    private static uint Id(byte[] file, int at)
    {
        var length = System.Numerics.BitOperations.LeadingZeroCount((uint)file[at]) - 23;
        var id = 0u;
        for (var i = 0; i < length; i++)
            id = (id << 8) | file[at + i];
        return id;
    }

    /// <summary>Where an element's size field is and how long it is, and where its data starts and how long that is.</summary>
    private static ((int At, int Length) SizeField, (int DataStart, int Size) Data) Header(byte[] file, int at)
    {
        var sizeAt = at + System.Numerics.BitOperations.LeadingZeroCount((uint)file[at]) - 23;
        var length = System.Numerics.BitOperations.LeadingZeroCount((uint)file[sizeAt]) - 23;
        var size = (long)(file[sizeAt] & (0xFF >> length));
        for (var i = 1; i < length; i++)
            size = (size << 8) | file[sizeAt + i];
        return ((sizeAt, length), (sizeAt + length, (int)Math.Min(size, file.Length)));
    }

    /// <summary>Adds to a size field in place, in the length it has.</summary>
    private static void Grow(byte[] file, (int At, int Length) field, int by)
    {
        var size = (long)(file[field.At] & (0xFF >> field.Length));
        for (var i = 1; i < field.Length; i++)
            size = (size << 8) | file[field.At + i];
        size += by;
        if (size >= (1L << (7 * field.Length)) - 1)
            throw new InvalidOperationException("The grown size does not fit its field.");
        var encoded = size | (1L << (7 * field.Length));
        for (var i = field.Length - 1; i >= 0; i--, encoded >>= 8)
            file[field.At + i] = (byte)encoded;
    }
}
