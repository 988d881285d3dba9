using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging.Abstractions;
using YtDownloader.IntegrationTests.TestSupport;
using YtDownloader.Pipeline;
using YtDownloader.Sources;

namespace YtDownloader.IntegrationTests;

/// <summary>What a finished fetch session leaves behind in the HTTP client whose connections outlive it.</summary>
public sealed class ChunkBufferSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    // A socket keeps the buffer of its last read while its connection idles in the client's pool: a chunk read
    // to its last byte straight from the socket stayed alive after the job, one per idle connection.
    [Theory]
    [InlineData(32 * 1024)]
    [InlineData(64 * 1024)] // exactly one read per chunk
    public async Task No_chunk_buffer_stays_reachable_through_the_idle_connections_of_the_client(int chunkSize)
    {
        var video = fixture.Media.Video1080;
        var format = fixture.Video1080Format();
        var options = new PipelineOptions { ChunkSize = chunkSize };
        var pool = new BufferPool(mostKeptPerLength: 64);
        using var http = new HttpClient();

        (await FetchWholeAsync(http, format, options, pool)).ShouldBe(video.Length);

        var chunks = TakeBackFromThePool(pool, chunkSize);
        chunks.Count.ShouldBeGreaterThan(1);
        // A few times: a thread-pool thread can hold one for a moment after the session; a connection holds it for good.
        for (var attempt = 0; attempt < 20 && chunks.Any(c => c.IsAlive); attempt++)
        {
            await Task.Delay(50);
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        chunks.Count(c => c.IsAlive).ShouldBe(0, $"of the {chunks.Count} chunk arrays the pool kept");
        GC.KeepAlive(http);
    }

    // In a method of its own, so that nothing of this method's state still refers to the session.
    private static async Task<long> FetchWholeAsync(HttpClient http, MediaFormat format, PipelineOptions options, BufferPool pool)
    {
        await using var session = new MediaSession(http, format, MediaWindow.For(options), options, pool, null, null, NullLogger.Instance);
        await session.CopyToAsync(0, format.ContentLength!.Value, Stream.Null, null, CancellationToken.None);
        return session.FetchedBytes;
    }

    /// <summary>Every free array of that length the pool kept, now held only weakly; the pool counts them gone.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<WeakReference> TakeBackFromThePool(BufferPool pool, int length)
    {
        var taken = new List<WeakReference>();
        while (true)
        {
            var kept = pool.Kept;
            var array = pool.Rent(length);
            pool.Forget(array);
            if (pool.Kept == kept)
                return taken; // a new array: the kept ones are all taken
            taken.Add(new WeakReference(array));
        }
    }
}
