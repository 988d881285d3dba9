using YtDownloader.Sources;

namespace YtDownloader.Pipeline;

/// <summary>
/// One job's way past a refused client: when the media server refuses a stream part-way (or fails it at one byte
/// try after try), the video is asked for again of every provider but those refused, and the same stream (same itag,
/// same length: the same bytes) is fetched from the new provider's URL, on from the byte where the refusal came,
/// under the running merge and upload.
/// Shared by the job's streams: the first refusal switches provider, the other stream then takes the new URL too.
/// </summary>
internal sealed class ProviderFailover(
    SourceChain sources, VideoInfo video, TransferCounter transfer, Func<VideoInfo, CancellationToken, Task> waitUntilPlayable)
    : IStreamReplacer
{
    private readonly SemaphoreSlim _switching = new(1, 1);
    private readonly HashSet<string> _refused = [];
    private readonly List<string> _answers = [];
    private VideoInfo _current = video;
    private StreamRefusedEverywhereException? _exhausted;

    public async Task<MediaFormat> ReplaceAsync(MediaFormat refused, long atByte, string answer, CancellationToken cancellationToken)
    {
        await _switching.WaitAsync(cancellationToken);
        try
        {
            // Every provider already refused: the other ranges in flight end with the same answer, asking nobody again.
            if (_exhausted is not null)
                throw _exhausted;
            if (!_current.Formats.Any(f => f.Url == refused.Url))
                return SameStream(_current, refused); // the job already moved on from the provider of this URL

            var from = _current.Provider;
            _refused.Add(from);
            _answers.Add($"{from}: {answer} at byte {atByte} of stream {refused.Itag}");
            VideoInfo next;
            try
            {
                next = await sources.GetVideoAvoidingAsync(_current.Id, _refused, cancellationToken);
            }
            catch (YtDownloaderException ex)
            {
                throw (_exhausted = new StreamRefusedEverywhereException(_answers, ex));
            }

            var same = SameStream(next, refused);
            await waitUntilPlayable(next, cancellationToken);
            _current = next;
            transfer.AddHandover(new ProviderHandover(from, next.Provider, refused.Itag, atByte,
                $"{from}'s URL ended in {answer} at byte {atByte}"));
            return same;
        }
        finally
        {
            _switching.Release();
        }
    }

    /// <summary>The same bytes from another provider: the same itag, with the same length.</summary>
    private MediaFormat SameStream(VideoInfo offer, MediaFormat refused) =>
        offer.Formats.FirstOrDefault(f => f.Itag == refused.Itag && f.ContentLength == refused.ContentLength)
        ?? throw (_exhausted = new StreamRefusedEverywhereException(
            [.. _answers, $"{offer.Provider}: no stream {refused.Itag} of {refused.ContentLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "the same"} bytes to go on with"],
            null));
}
