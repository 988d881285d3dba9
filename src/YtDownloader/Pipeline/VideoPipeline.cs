using YtDownloader.Pipeline.Mp4;
using YtDownloader.Sources;
using YtDownloader.Storage;
using YtDownloader.Urls;

namespace YtDownloader.Pipeline;

/// <summary>A request to put one video, at one quality, into storage; <paramref name="Subtitles"/> are caption languages to store beside it.</summary>
public sealed record UploadRequest(
    VideoId VideoId, string Quality, string? Title = null, OutputFormat Output = OutputFormat.Mp4, IReadOnlyList<string>? Subtitles = null);

/// <summary>A request resolved into a video, the streams to fetch, its title, its object key and the caption tracks to store.</summary>
public sealed record PreparedUpload(VideoInfo Video, DownloadPlan Plan, string Title, string Key, IReadOnlyList<PreparedSubtitle> Subtitles);

/// <summary>A caption track to store, and the key of its WebVTT object.</summary>
public sealed record PreparedSubtitle(CaptionTrack Track, string Key);

/// <summary>A stored WebVTT object and the language it is in.</summary>
public sealed record StoredSubtitle(string Language, StoredObject Object);

/// <summary>What was stored, and how.</summary>
public sealed record UploadResult(VideoInfo Video, DownloadPlan Plan, StoredObject Object, IReadOnlyList<StoredSubtitle> Subtitles);

public enum PipelinePhase { Resolving, Waiting, Downloading, Muxing, Uploading, Done }

/// <summary>
/// Where a pipeline run is: bytes read from the source (fed to ffmpeg), bytes that reached storage, the source's total,
/// and bytes taken from the media server (each fetched once: about the total).
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
/// The whole path: source → format choice → ranged fetch → merge (tags, cover, subtitles) → streaming upload. The merge
/// is ours (<see cref="Mp4Merger"/>) for YouTube's DASH H.264 and AAC streams and its WebM VP9 and Opus streams,
/// ffmpeg's for everything else.
/// Nothing is held whole in memory or on disk: bytes flow through bounded buffers from the media server to storage;
/// only the small extras (captions, the thumbnail) are read whole.
/// </summary>
public sealed class VideoPipeline(
    SourceChain sources, MediaFetcher fetcher, Mp4Merger mp4, FfmpegMuxer muxer, IVideoStore store, VideoLimits limits,
    CaptionFetcher captions, ThumbnailFetcher thumbnails, TimeProvider time, ILogger<VideoPipeline> logger)
{
    /// <summary>
    /// What a request comes to, before any byte is fetched: the video, the streams chosen (a private video, an
    /// unknown quality or subtitle language, or a video over the limits fails here), the title and the object keys.
    /// </summary>
    public async Task<PreparedUpload> PrepareAsync(UploadRequest request, CancellationToken cancellationToken)
    {
        var video = await sources.GetVideoAsync(request.VideoId, cancellationToken);
        var plan = FormatSelector.Choose(video, request.Quality, request.Output);
        var tracks = ChooseCaptions(video, request.Subtitles ?? []);
        limits.Check(video, plan);
        var title = string.IsNullOrWhiteSpace(request.Title) ? video.Title : request.Title.Trim();
        // An MP4 with subtitle tracks is another file than one without, and a job that stores captions beside an audio
        // file is another job: the key says which languages come with it, so that equal jobs alone share a key.
        var key = store.KeyFor(video.Id, title, plan.Quality, plan.Output.Extension(), [.. tracks.Select(t => t.Language)]);
        var subtitles = tracks.Select(t => new PreparedSubtitle(t, store.SubtitleKeyFor(video.Id, title, plan.Quality, t.Language))).ToList();
        return new PreparedUpload(video, plan, title, key, subtitles);
    }

    /// <summary>
    /// The track for each language asked, in the order asked; a manual track before speech recognition's when a
    /// language has both. A language the video lacks is refused with the ones it has.
    /// </summary>
    private static List<CaptionTrack> ChooseCaptions(VideoInfo video, IReadOnlyList<string> languages)
    {
        var chosen = new List<CaptionTrack>();
        foreach (var language in languages.Select(l => l.Trim()).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var track = video.CaptionTracks.Where(t => t.Language.Equals(language, StringComparison.OrdinalIgnoreCase))
                .OrderBy(t => t.AutoGenerated).FirstOrDefault();
            if (track is null)
                throw new UnknownSubtitleLanguageException(language, video.CaptionTracks.Select(t => t.Language).Distinct().ToList());
            chosen.Add(track);
        }
        return chosen;
    }

    /// <summary>The stored objects of a prepared upload when every one of them exists (the video and each subtitle), else null.</summary>
    public async Task<UploadResult?> FindStoredAsync(PreparedUpload prepared, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(prepared.Key, cancellationToken) is not { } video)
            return null;
        var subtitles = new List<StoredSubtitle>();
        foreach (var subtitle in prepared.Subtitles)
        {
            if (await store.FindAsync(subtitle.Key, cancellationToken) is not { } stored)
                return null;
            subtitles.Add(new StoredSubtitle(subtitle.Track.Language, stored));
        }
        return new UploadResult(prepared.Video, prepared.Plan, video, subtitles);
    }

    public async Task<UploadResult> RunAsync(UploadRequest request, IProgress<PipelineProgress>? progress, CancellationToken cancellationToken)
    {
        progress?.Report(new PipelineProgress(PipelinePhase.Resolving, 0, 0, null));
        var (video, plan, title, key, subtitles) = await PrepareAsync(request, cancellationToken);
        var description = new ObjectDescription(
            plan.Output.ContentType(),
            ObjectKeys.ReadableFileName(title, plan.Quality, plan.Output.Extension()),
            Metadata(video, plan, title));

        // Asked for before any media byte: a caption track that cannot be had fails the job before the download.
        var texts = new List<SubtitleFile>(subtitles.Count);
        foreach (var subtitle in subtitles)
            texts.Add(new SubtitleFile(subtitle.Track.Language, await captions.GetVttAsync(subtitle.Track, cancellationToken)));
        var extras = new FileExtras(FileTags.For(video, title), await CoverAsync(video, plan, cancellationToken), texts);

        var expected = plan.SourceBytes;
        await WaitUntilPlayableAsync(video, expected, progress, cancellationToken);
        // One stream that only gets its tags is a download as far as anyone watching can tell.
        var phase = plan.NeedsMerge || plan.NeedsConversion ? PipelinePhase.Muxing : PipelinePhase.Downloading;
        var transfer = new TransferCounter(phase, expected, video.Provider, progress, time);
        var failover = new ProviderFailover(sources, video, transfer, (v, c) => WaitUntilPlayableAsync(v, expected, null, c));

        StoredObject result;
        try
        {
            result = await MuxAndStoreAsync(plan, key, description, extras, transfer, failover, cancellationToken);
        }
        catch
        {
            transfer.ReportLatest();
            throw;
        }
        finally
        {
            // No report held back by the interval may come after the run's last word.
            transfer.Dispose();
        }
        // After the video: a job that fails on the way leaves no captions of a video that is not there.
        var stored = new List<StoredSubtitle>(subtitles.Count);
        for (var i = 0; i < subtitles.Count; i++)
            stored.Add(new StoredSubtitle(subtitles[i].Track.Language, await StoreSubtitleAsync(video, plan, title, subtitles[i], texts[i].Vtt, cancellationToken)));

        progress?.Report(transfer.Current(PipelinePhase.Done) with { BytesStored = result.Size });
        return new UploadResult(video, plan, result, stored);
    }

    private static Dictionary<string, string> Metadata(VideoInfo video, DownloadPlan plan, string title) => new()
    {
        ["title"] = ObjectKeys.MetadataTitle(title),
        ["video-id"] = video.Id.Value,
        ["quality"] = plan.Quality,
        ["source"] = Uri.EscapeDataString(video.SourceName),
    };

    private async Task<StoredObject> StoreSubtitleAsync(
        VideoInfo video, DownloadPlan plan, string title, PreparedSubtitle subtitle, string vtt, CancellationToken cancellationToken)
    {
        var metadata = Metadata(video, plan, title);
        metadata["language"] = subtitle.Track.Language;
        var description = new ObjectDescription(
            "text/vtt; charset=utf-8", ObjectKeys.ReadableFileName(title, plan.Quality, "vtt", subtitle.Track.Language), metadata);
        await using var content = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(vtt));
        return await store.SaveAsync(subtitle.Key, content, description, null, cancellationToken);
    }

    /// <summary>The thumbnail as cover art for the files that take one; a thumbnail that cannot be had leaves the file without a cover, not the job failed.</summary>
    private async Task<ThumbnailImage?> CoverAsync(VideoInfo video, DownloadPlan plan, CancellationToken cancellationToken)
    {
        if (plan.Output is not (OutputFormat.Mp4 or OutputFormat.M4a))
            return null;
        try
        {
            return await thumbnails.GetAsync(video.Id, cancellationToken);
        }
        catch (YtDownloaderException ex)
        {
            // A thumbnail on a host this server may not contact (an Invidious instance's own, say) is one of these.
            logger.LogWarning("{VideoId} is stored without cover art: {Error}", video.Id, ex.Message);
            return null;
        }
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

    private async Task<StoredObject> MuxAndStoreAsync(
        DownloadPlan plan, string key, ObjectDescription description, FileExtras extras, TransferCounter transfer, ProviderFailover failover,
        CancellationToken cancellationToken)
    {
        // One session per input for the whole run of ffmpeg: its jumps are served from what each has fetched.
        var (videoShare, audioShare) = plan.Video.ContentLength is { } v && plan.Audio?.ContentLength is { } a && v + a > 0
            ? ((double)v / (v + a), (double)a / (v + a))
            : (1, 1);
        (MediaSession Video, MediaSession? Audio) OpenSessions() =>
            (fetcher.Open(plan.Video, videoShare, transfer.AddFetched, failover),
             plan.Audio is null ? null : fetcher.Open(plan.Audio, audioShare, transfer.AddFetched, failover));

        var (video, audio) = OpenSessions();
        await using (video)
        await using (audio)
        {
            if (await mp4.TryOpenAsync(plan, video, audio, extras, transfer.AddDownloaded, cancellationToken) is not { } merged)
                return await MergeWithFfmpegAndStoreAsync(plan, key, description, extras, transfer, video, audio, cancellationToken);
            try
            {
                await using (merged)
                    return await store.SaveAsync(key, merged, description, transfer.Stored, cancellationToken);
            }
            catch (Mp4LayoutException ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Heads that read as the common case, then a fragment that is not (a box we do not carry, another
                // track): the store has thrown the file away, and ffmpeg, which reads far more layouts, starts it again.
                logger.LogWarning("Streams {Video}+{Audio}: our merge stopped at a fragment it cannot carry ({Reason}); ffmpeg merges them again from the start",
                    plan.Video.Itag, plan.Audio?.Itag, ex.Message);
            }
        }

        // Fresh sessions: the first ones gave back each chunk once read. The bytes are fetched a second time, and counted.
        transfer.RestartDownload();
        var (again, againAudio) = OpenSessions();
        await using (again)
        await using (againAudio)
            return await MergeWithFfmpegAndStoreAsync(plan, key, description, extras, transfer, again, againAudio, cancellationToken);
    }

    private async Task<StoredObject> MergeWithFfmpegAndStoreAsync(
        DownloadPlan plan, string key, ObjectDescription description, FileExtras extras, TransferCounter transfer,
        MediaSession video, MediaSession? audio, CancellationToken cancellationToken)
    {
        // ffmpeg's stdout is the store's content: a failed merge surfaces as a failed read, and the store aborts.
        await using var output = await muxer.StartAsync(plan, video, audio, extras, transfer.AddDownloaded, cancellationToken);
        return await store.SaveAsync(key, output, description, transfer.Stored, cancellationToken);
    }
}

/// <summary>
/// Counts bytes in from the source, taken from the media server and out to storage, and who serves the streams;
/// reports on the caller's thread (or, for bytes held back, on the timer's at the interval's end) and in order: one
/// report at a time, each with the counts of its moment (<see cref="Progress{T}"/> would post to the thread pool and reorder).
/// Bytes moving are reported at most every <see cref="BytesReportInterval"/>: a read of 64 KiB made a report, and each
/// became a snapshot of the job with its closure and change signal, a third of a job's allocations per byte, while
/// nothing looks more often (the event stream sends every 250 ms, the database keeps one every 400 ms, the speed
/// takes a sample every 100 ms). Everything else (a part stored, a handover, a restart) is reported at once, with
/// the latest counts, and so is the end either way (<see cref="ReportLatest"/>).
/// </summary>
internal sealed class TransferCounter(PipelinePhase phase, long? expected, string provider, IProgress<PipelineProgress>? progress, TimeProvider time)
    : IDisposable
{
    internal static readonly TimeSpan BytesReportInterval = TimeSpan.FromMilliseconds(50);

    private readonly Lock _gate = new();
    private readonly Lock _reporting = new();
    private readonly long _interval = (long)(BytesReportInterval.TotalSeconds * time.TimestampFrequency);
    private long _downloaded;
    private long _fetched;
    private long _stored;
    private long _lastBytesReport = long.MinValue;
    private int _trailingArmed;
    private ITimer? _trailing;
    private string _provider = provider;
    private IReadOnlyList<ProviderHandover> _handovers = [];

    public IProgress<long> Stored => new StoredProgress(this);

    public void AddDownloaded(int bytes)
    {
        Interlocked.Add(ref _downloaded, bytes);
        ReportBytes();
    }

    /// <summary>The file starts again: nothing of the source is in it yet (what was taken from the media server stays counted).</summary>
    public void RestartDownload()
    {
        Interlocked.Exchange(ref _downloaded, 0);
        Interlocked.Exchange(ref _stored, 0);
        Report();
    }

    public void AddFetched(int bytes)
    {
        Interlocked.Add(ref _fetched, bytes);
        ReportBytes();
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

    /// <summary>The counts as they are now, whenever the last report was: a run that fails leaves them exact.</summary>
    public void ReportLatest() => Report();

    public void Dispose() => _trailing?.Dispose();

    private void Report()
    {
        // Taken and told under one lock: a held-back report on the timer's thread never lands after a newer one.
        lock (_reporting)
            progress?.Report(Current(phase));
    }

    private void ReportBytes()
    {
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref _lastBytesReport);
        if (last != long.MinValue && now - last < _interval)
        {
            ReportAtTheIntervalsEnd(last + _interval - now);
            return;
        }
        // Of two reads at once past the interval, the one that moves the mark reports; it reads both counts then.
        if (Interlocked.CompareExchange(ref _lastBytesReport, now, last) == last)
            Report();
    }

    /// <summary>
    /// Bytes held back by the interval are reported when it ends, even if no read comes after them: the last burst
    /// before the upload waits on the S3 server (or the origin stalls) must not leave the job showing a count long gone.
    /// </summary>
    private void ReportAtTheIntervalsEnd(long ticksLeft)
    {
        if (Interlocked.CompareExchange(ref _trailingArmed, 1, 0) != 0)
            return;
        var due = TimeSpan.FromSeconds((double)Math.Max(ticksLeft, 1) / time.TimestampFrequency);
        // Only the caller that armed it gets here, until the timer has fired: one timer per run, made on first need.
        _trailing ??= time.CreateTimer(static state => ((TransferCounter)state!).ReportTrailing(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _trailing.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void ReportTrailing()
    {
        Interlocked.Exchange(ref _lastBytesReport, time.GetTimestamp());
        Volatile.Write(ref _trailingArmed, 0);
        Report();
    }

    private sealed class StoredProgress(TransferCounter counter) : IProgress<long>
    {
        public void Report(long value)
        {
            Interlocked.Exchange(ref counter._stored, value);
            counter.Report();
        }
    }
}
