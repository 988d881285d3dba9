using System.Buffers.Binary;
using System.Text;
using YtDownloader.Pipeline.Mp4;

namespace YtDownloader.Tests.Pipeline.Mp4;

/// <summary>Whether an MP4 can be read front to back, from its top-level boxes.</summary>
public class StreamingLayoutSpecs
{
    [Theory]
    [InlineData("YouTube's DASH stream", "ftyp:24 moov:700 sidx:80 moof:200 mdat:5000", true)]
    [InlineData("a muxed MP4 moved for streaming (+faststart)", "ftyp:32 free:8 moov:9000 mdat:50000", true)]
    [InlineData("a box with a 64-bit size before the moov", "ftyp:24 uuid64:40 moov:700 mdat:100", true)]
    [InlineData("the index at the end", "ftyp:32 free:8 mdat:50000 moov:9000", false)]
    [InlineData("fragments with no moov before them", "ftyp:24 moof:200 mdat:5000", false)]
    [InlineData("a box that runs to the end of the file (size 0) before any moov", "ftyp:24 free0:100 moov:700", false)]
    [InlineData("more than 64 KiB before the moov", "ftyp:24 free:70000 moov:700", false)]
    [InlineData("a file that ends before its moov", "ftyp:24 free:16", false)]
    [InlineData("a box smaller than its header", "ftyp:24 free4:16 moov:700", false)]
    [InlineData("nothing at all", "", false)]
    public async Task The_moov_must_come_before_the_media_within_the_first_64_KiB(string _, string boxes, bool frontToBack)
    {
        await using var file = new MemoryStream(Build(boxes));
        (await StreamingLayout.MoovComesFirstAsync(file, file.Length, TestContext.Current.CancellationToken)).ShouldBe(frontToBack);
    }

    [Fact]
    public async Task Only_the_headers_and_what_precedes_the_moov_are_read()
    {
        var bytes = Build("ftyp:24 moov:700 mdat:100000");
        await using var file = new MemoryStream(bytes);
        (await StreamingLayout.MoovComesFirstAsync(file, file.Length, TestContext.Current.CancellationToken)).ShouldBeTrue();
        file.Position.ShouldBe(24 + 8);
    }

    /// <summary>
    /// Boxes as "type:size", each filled with zeros: "uuid64" writes a uuid box with a 64-bit size, "free0" a free box
    /// whose size field is 0, "free4" one whose size field says 4 whatever its length.
    /// </summary>
    private static byte[] Build(string boxes)
    {
        using var file = new MemoryStream();
        foreach (var box in boxes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, size) = (box.Split(':')[0], int.Parse(box.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
            var bytes = new byte[size];
            var type = Encoding.ASCII.GetBytes(name[..4]);
            switch (name)
            {
                case "uuid64":
                    BinaryPrimitives.WriteUInt32BigEndian(bytes, 1);
                    type.CopyTo(bytes, 4);
                    BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), (ulong)size);
                    break;
                case "free0":
                    type.CopyTo(bytes, 4);
                    break;
                case "free4":
                    BinaryPrimitives.WriteUInt32BigEndian(bytes, 4);
                    type.CopyTo(bytes, 4);
                    break;
                default:
                    BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)size);
                    type.CopyTo(bytes, 4);
                    break;
            }
            file.Write(bytes);
        }
        return file.ToArray();
    }
}
