using System.IO.Pipelines;
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

public enum PipelinePhase { Resolving, Waiting, Downloading, Muxing, Uploading, Done }

/// <summary>
/// Where a pipeline run is: bytes read from the source (fed to ffmpeg, or to storage for a single stream), bytes that
/// reached storage, the source's total, and bytes taken from the media server (each fetched once: about the total).
/// </summary>
public sealed record PipelineProgress(PipelinePhase Phase, long BytesDownloaded, long BytesStored, long? BytesExpected, long BytesFetched = 0)
{
    /// <summary>While <see cref="PipelinePhase.Waiting"/>: seconds until the media servers serve the streams.</summary>
    public double? SecondsUntilPlayable { get; init; }

    /// <summary>Who gives the stream URLs being fetched (<see cref="VideoInfo.Provider"/>).</summary>
    public string? Provider { get; init; }

    /// <summary>Every time another provider took over a stream the media server refused, in order.</summary>
    public IReadOnlyList<ProviderHandover> Handovers { get; init; } = [];
}

/// <summary>The media server refused <paramref name="From"/>'s URL of stream <paramref name="Itag"/>; <paramref name="To"/> went on at the byte.</summary>
public sealed record ProviderHandover(string From, string To, int Itag, long AtByte, string Reason);

/// <summary>
/// The whole path: source → format choice → ranged fetch → (ffmpeg mux) → streaming upload.
/// Nothing is held whole in memory or on disk: bytes flow through bounded buffers from the media server to storage.
/// </summary>
public sealed class VideoPipeline(
    SourceChain sources, MediaFetcher fetcher, FfmpegMuxer muxer, IVideoStore store, VideoLimits limits, TimeProvider time)
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
        return new PreparedUpload(video, plan, title, store.KeyFor(video.Id, title, plan.Quality, plan.Output.Extension()));
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
        await WaitUntilPlayableAsync(video, expected, progress, cancellationToken);
        var throughFfmpeg = plan.NeedsMerge || plan.NeedsConversion;
        var transfer = new TransferCounter(throughFfmpeg ? PipelinePhase.Muxing : PipelinePhase.Downloading, expected, video.Provider, progress);
        var failover = new ProviderFailover(sources, video, transfer, (v, c) => WaitUntilPlayableAsync(v, expected, null, c));

        var result = throughFfmpeg
            ? await MuxAndStoreAsync(plan, key, description, transfer, failover, cancellationToken)
            : await StoreSingleAsync(plan, key, description, transfer, failover, cancellationToken);

        progress?.Report(transfer.Current(PipelinePhase.Done) with { BytesStored = result.Size });
        return new UploadResult(video, plan, result);
    }

    /// <summary>
    /// A forced pre-roll: the media servers refuse the streams until it has played, so the first media request waits
    /// for it instead of being refused, telling the seconds left.
    /// </summary>
    private async Task WaitUntilPlayableAsync(VideoInfo video, long? expected, IProgress<PipelineProgress>? progress, CancellationToken cancellationToken)
    {
        if (video.PlayableAt is not { } playableAt)
            return;
        for (var left = playableAt - time.GetUtcNow(); left > TimeSpan.Zero; left = playableAt - time.GetUtcNow())
        {
            progress?.Report(new PipelineProgress(PipelinePhase.Waiting, 0, 0, expected)
            {
                SecondsUntilPlayable = Math.Ceiling(left.TotalSeconds), Provider = video.Provider,
            });
            await Task.Delay(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), time, cancellationToken);
        }
    }

    /// <summary>A muxed MP4 or an AAC audio stream needs no ffmpeg: its bytes go from the media server to storage as they are.</summary>
    private async Task<StoredObject> StoreSingleAsync(
        DownloadPlan plan, string key, ObjectDescription description, TransferCounter transfer, ProviderFailover failover,
        CancellationToken cancellationToken)
    {
        await using var session = fetcher.Open(plan.Video, onFetched: transfer.AddFetched, replacer: failover);
        await using var content = new CountingStream(session.OpenRead(), transfer.AddDownloaded);
        return await store.SaveAsync(key, content, description, transfer.Stored, cancellationToken);
    }

    private async Task<StoredObject> MuxAndStoreAsync(
        DownloadPlan plan, string key, ObjectDescription description, TransferCounter transfer, ProviderFailover failover,
        CancellationToken cancellationToken)
    {
        // One session per input for the whole run of ffmpeg: its jumps are served from what each has fetched.
        var (videoShare, audioShare) = plan.Video.ContentLength is { } v && plan.Audio?.ContentLength is { } a && v + a > 0
            ? ((double)v / (v + a), (double)a / (v + a))
            : (1, 1);
        await using var video = fetcher.Open(plan.Video, videoShare, transfer.AddFetched, failover);
        await using var audio = plan.Audio is null ? null : fetcher.Open(plan.Audio, audioShare, transfer.AddFetched, failover);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pipe = new Pipe(MuxPipeOptions);

        var mux = Task.Run(async () =>
        {
            try
            {
                await using (var output = pipe.Writer.AsStream(leaveOpen: true))
                {
                    if (plan.NeedsMerge)
                        await muxer.MuxAsync(video, audio!, output, transfer.AddDownloaded, stop.Token);
                    else
                        await muxer.ConvertAudioAsync(plan, video, output, transfer.AddDownloaded, stop.Token);
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
/// Counts bytes in from the source, taken from the media server and out to storage, and who serves the streams;
/// reports all of it on every change, on the caller's thread and in order (<see cref="Progress{T}"/> would post to
/// the thread pool and reorder).
/// </summary>
internal sealed class TransferCounter(PipelinePhase phase, long? expected, string provider, IProgress<PipelineProgress>? progress)
{
    private readonly Lock _gate = new();
    private long _downloaded;
    private long _fetched;
    private long _stored;
    private string _provider = provider;
    private IReadOnlyList<ProviderHandover> _handovers = [];

    public IProgress<long> Stored => new StoredProgress(this);

    public void AddDownloaded(int bytes)
    {
        Interlocked.Add(ref _downloaded, bytes);
        Report();
    }

    public void AddFetched(int bytes)
    {
        Interlocked.Add(ref _fetched, bytes);
        Report();
    }

    public void AddHandover(ProviderHandover handover)
    {
        lock (_gate)
        {
            _provider = handover.To;
            _handovers = [.. _handovers, handover];
        }
        Report();
    }

    public PipelineProgress Current(PipelinePhase phaseNow)
    {
        lock (_gate)
        {
            return new PipelineProgress(
                phaseNow, Interlocked.Read(ref _downloaded), Interlocked.Read(ref _stored), expected, Interlocked.Read(ref _fetched))
            {
                Provider = _provider, Handovers = _handovers,
            };
        }
    }

    private void Report() => progress?.Report(Current(phase));

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
