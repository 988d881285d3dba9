using System.IO.Pipelines;
using Microsoft.Extensions.Options;
using YtDownloader.Sources;
using YtDownloader.Storage;
using YtDownloader.Urls;

namespace YtDownloader.Pipeline;

/// <summary>A request to put one video, at one quality, into storage.</summary>
public sealed record UploadRequest(VideoId VideoId, string Quality, string? Title = null);

/// <summary>What was stored, and how.</summary>
public sealed record UploadResult(VideoInfo Video, DownloadPlan Plan, StoredObject Object);

public enum PipelinePhase { Resolving, Downloading, Muxing, Uploading, Done }

/// <summary>Where a pipeline run is; bytes count what has reached storage.</summary>
public sealed record PipelineProgress(PipelinePhase Phase, long BytesStored, long? BytesExpected);

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

    public async Task<UploadResult> RunAsync(UploadRequest request, IProgress<PipelineProgress>? progress, CancellationToken cancellationToken)
    {
        progress?.Report(new PipelineProgress(PipelinePhase.Resolving, 0, null));
        var video = await sources.GetVideoAsync(request.VideoId, cancellationToken);
        var plan = FormatSelector.Choose(video, request.Quality);
        limits.Check(video, plan);

        var title = string.IsNullOrWhiteSpace(request.Title) ? video.Title : request.Title.Trim();
        var key = ObjectKeys.For(storage.Value.S3.Prefix, video.Id, title, plan.Quality);
        var description = new ObjectDescription(
            "video/mp4",
            ObjectKeys.ReadableFileName(title, plan.Quality),
            new Dictionary<string, string>
            {
                // S3 metadata must be ASCII: the title travels percent-encoded.
                ["title"] = Uri.EscapeDataString(title),
                ["video-id"] = video.Id.Value,
                ["quality"] = plan.Quality,
                ["source"] = Uri.EscapeDataString(video.SourceName),
            });

        var expected = plan.NeedsMerge ? plan.Video.ContentLength + plan.Audio!.ContentLength : plan.Video.ContentLength;
        var phase = plan.NeedsMerge ? PipelinePhase.Muxing : PipelinePhase.Downloading;
        progress?.Report(new PipelineProgress(phase, 0, expected));
        var stored = new InlineProgress<long>(bytes => progress?.Report(new PipelineProgress(PipelinePhase.Uploading, bytes, expected)));

        var result = plan.NeedsMerge
            ? await MuxAndStoreAsync(plan, key, description, stored, cancellationToken)
            : await StoreSingleAsync(plan, key, description, stored, cancellationToken);

        progress?.Report(new PipelineProgress(PipelinePhase.Done, result.Size, result.Size));
        return new UploadResult(video, plan, result);
    }

    /// <summary>A muxed MP4 needs no ffmpeg: its bytes go from the media server to storage as they are.</summary>
    private async Task<StoredObject> StoreSingleAsync(
        DownloadPlan plan, string key, ObjectDescription description, IProgress<long> progress, CancellationToken cancellationToken)
    {
        await using var content = fetcher.Open(plan.Video);
        return await store.SaveAsync(key, content, description, progress, cancellationToken);
    }

    private async Task<StoredObject> MuxAndStoreAsync(
        DownloadPlan plan, string key, ObjectDescription description, IProgress<long> progress, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pipe = new Pipe(MuxPipeOptions);

        var mux = Task.Run(async () =>
        {
            try
            {
                await using (var output = pipe.Writer.AsStream(leaveOpen: true))
                    await muxer.MuxAsync(plan, output, stop.Token);
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
            var stored = await store.SaveAsync(key, content, description, progress, stop.Token);
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

/// <summary>Reports on the caller's thread, in order; <see cref="Progress{T}"/> would post to the thread pool and reorder.</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
