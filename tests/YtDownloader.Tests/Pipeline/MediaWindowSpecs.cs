using YtDownloader.Pipeline;

namespace YtDownloader.Tests.Pipeline;

public class MediaWindowSpecs
{
    [Theory]
    // share of the job's bytes, chunk size, chunks held at most for ffmpeg, then for our in-order merge
    [InlineData(1.0, 2 * 1024 * 1024, 11, 4)]
    [InlineData(0.975, 2 * 1024 * 1024, 11, 4)]
    [InlineData(0.025, 256 * 1024, 11, 4)]
    public void A_stream_holds_chunks_by_its_share_of_the_bytes_and_by_how_it_is_read(
        double share, int chunkSize, int mostForFfmpeg, int mostInOrder)
    {
        var window = MediaWindow.For(new PipelineOptions(), share);

        window.ChunkSize.ShouldBe(chunkSize);
        window.MostChunksHeld.ShouldBe(mostForFfmpeg);
        window.InOrder.MostChunksHeld.ShouldBe(mostInOrder);
        window.InOrder.ChunksInWindow.ShouldBe(window.RangesAhead);
    }
}
