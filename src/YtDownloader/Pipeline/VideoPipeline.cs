using System.IO.Pipelines;
using Microsoft.Extensions.Options;
using YtDownloader.Sources;
using YtDownloader.Storage;
using YtDownloader.Urls;

namespace YtDownloader.Pipeline;

/// <summary>A request to put one video, at one quality, into storage.</summary>
public sealed record UploadRequest(VideoId VideoId, string Quality, string? Title = null, OutputFormat Output = OutputFormat.Mp4);

/// <summary>A request resolved into a video, the streams to fetch, its title and its object key.</summary>
public sealed record PreparedUpload(VideoInfo Video, DownloadPlan Plan, string Title, string Key);

/// <summary>What was stored, and how.</summary>
public sealed record UploadResult(VideoInfo Video, DownloadPlan Plan, StoredObject Object);

public enum PipelinePhase { Resolving, Downloading, Muxing, Uploading, Done }

/// <summary>Where a pipeline run is: bytes read from the source, bytes that reached storage, and the source's total.</summary>
public sealed record PipelineProgress(PipelinePhase Phase, long BytesDownloaded, long BytesStored, long? BytesExpected);

/// <summary>
/// The whole path: source → format choice → ranged fetch → (ffmpeg mux) → streaming upload.
/// Nothing is held whole in memory or on disk: bytes flow through bounded buffers from the media server to storage.
/// </summary>
public sealed class VideoPipeline(
    SourceChain sources, MediaFetcher fetcher, FfmpegMuxer muxer, IVideoStore store, IOptions<StorageOptions> storage,
    VideoLimits limits)
{
    // Enough to keep ffmpeg busy while a part uploads; small next to the parts themselves.
    private static readonly PipeOptions MuxPipeOptions = new(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19);

    /// <summary>
    /// What a request comes to, before any byte is fetched: the video, the streams chosen (a private video, an
    /// unknown quality or a video over the limits fails here), the title and the object key.
    /// </summary>
    public async Task<PreparedUpload> PrepareAsync(UploadRequest request, CancellationToken cancellationToken)
    {
        var video = await sources.GetVideoAsync(request.VideoId, cancellationToken);
        var plan = FormatSelector.Choose(video, request.Quality, request.Output);
        limits.Check(video, plan);
        var title = string.IsNullOrWhiteSpace(request.Title) ? video.Title : request.Title.Trim();
        return new PreparedUpload(video, plan, title, ObjectKeys.For(storage.Value.S3.Prefix, video.Id, title, plan.Quality, plan.Output.Extension()));
    }

    public async Task<UploadResult> RunAsync(UploadRequest request, IProgress<PipelineProgress>? progress, CancellationToken cancellationToken)
    {
        progress?.Report(new PipelineProgress(PipelinePhase.Resolving, 0, 0, null));
        var (video, plan, title, key) = await PrepareAsync(request, cancellationToken);
        var description = new ObjectDescription(
            plan.Output.ContentType(),
            ObjectKeys.ReadableFileName(title, plan.Quality, plan.Output.Extension()),
            new Dictionary<string, string>
            {
                ["title"] = ObjectKeys.MetadataTitle(title),
                ["video-id"] = video.Id.Value,
                ["quality"] = plan.Quality,
                ["source"] = Uri.EscapeDataString(video.SourceName),
            });

        var expected = plan.SourceBytes;
        var transfer = new TransferCounter(plan.NeedsMerge || plan.NeedsConversion ? PipelinePhase.Muxing : PipelinePhase.Downloading, expected, progress);

        var result = plan.NeedsMerge || plan.NeedsConversion
            ? await MuxAndStoreAsync(plan, key, description, transfer, cancellationToken)
            : await StoreSingleAsync(plan, key, description, transfer, cancellationToken);

        progress?.Report(new PipelineProgress(PipelinePhase.Done, transfer.Downloaded, result.Size, expected));
        return new UploadResult(video, plan, result);
    }

    /// <summary>A muxed MP4 or an AAC audio stream needs no ffmpeg: its bytes go from the media server to storage as they are.</summary>
    private async Task<StoredObject> StoreSingleAsync(
        DownloadPlan plan, string key, ObjectDescription description, TransferCounter transfer, CancellationToken cancellationToken)
    {
        await using var content = new CountingStream(fetcher.Open(plan.Video), transfer.AddDownloaded);
        return await store.SaveAsync(key, content, description, transfer.Stored, cancellationToken);
    }

    private async Task<StoredObject> MuxAndStoreAsync(
        DownloadPlan plan, string key, ObjectDescription description, TransferCounter transfer, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pipe = new Pipe(MuxPipeOptions);

        var mux = Task.Run(async () =>
        {
            try
            {
                await using (var output = pipe.Writer.AsStream(leaveOpen: true))
                {
                    if (plan.NeedsMerge)
                        await muxer.MuxAsync(plan, output, transfer.AddDownloaded, stop.Token);
                    else
                        await muxer.ConvertAudioAsync(plan, output, transfer.AddDownloaded, stop.Token);
                }
                await pipe.Writer.CompleteAsync();
            }
            catch (Exception ex)
            {
                // The uploader reads this exception instead of a clean end, so it aborts rather than completes.
                await pipe.Writer.CompleteAsync(ex);
                throw;
            }
        }, CancellationToken.None);

        try
        {
            await using var content = pipe.Reader.AsStream();
            var stored = await store.SaveAsync(key, content, description, transfer.Stored, stop.Token);
            await mux;
            return stored;
        }
        catch
        {
            // A mux failure reaches the upload as the very exception the mux threw (through the pipe),
            // so the upload's error is the one to report; the mux only needs stopping.
            await stop.CancelAsync();
            try { await mux; } catch (Exception) { }
            throw;
        }
    }
}

/// <summary>
/// Counts bytes in from the source and out to storage, and reports both on every change, on the caller's thread
/// and in order (<see cref="Progress{T}"/> would post to the thread pool and reorder).
/// </summary>
internal sealed class TransferCounter(PipelinePhase phase, long? expected, IProgress<PipelineProgress>? progress)
{
    private long _downloaded;
    private long _stored;

    public long Downloaded => Interlocked.Read(ref _downloaded);

    public IProgress<long> Stored => new StoredProgress(this);

    public void AddDownloaded(int bytes)
    {
        Interlocked.Add(ref _downloaded, bytes);
        Report();
    }

    private void Report() => progress?.Report(new PipelineProgress(phase, Downloaded, Interlocked.Read(ref _stored), expected));

    private sealed class StoredProgress(TransferCounter counter) : IProgress<long>
    {
        public void Report(long value)
        {
            Interlocked.Exchange(ref counter._stored, value);
            counter.Report();
        }
    }
}

/// <summary>A read-only stream that tells how many bytes passed through it.</summary>
internal sealed class CountingStream(Stream inner, Action<int> onRead) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        onRead(read);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        onRead(read);
        return read;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}
