using System.Text;

namespace YtDownloader.Sources;

/// <summary>Fetches a caption track as WebVTT, from the URL its source gave, through the same client as YouTube's API calls.</summary>
public sealed class CaptionFetcher(HttpClient http)
{
    // A feature film's captions are a few hundred KB; anything far larger is not a caption track.
    private const int MaxBytes = 8 * 1024 * 1024;

    public async Task<string> GetVttAsync(CaptionTrack track, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(track.VttUrl, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new SourceFailedException($"YouTube refused the {track.Name} captions (HTTP {(int)response.StatusCode}).");
            if (response.Content.Headers.ContentLength > MaxBytes)
                throw new SourceFailedException($"The {track.Name} captions are larger than {MaxBytes / 1024 / 1024} MB.");
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxBytes)
                    throw new SourceFailedException($"The {track.Name} captions are larger than {MaxBytes / 1024 / 1024} MB.");
                buffer.Write(chunk, 0, read);
            }
            var text = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
            // ffmpeg would take anything and store an empty track: an answer that is not WebVTT is a failure here.
            if (!text.StartsWith("WEBVTT", StringComparison.Ordinal))
                throw new SourceFailedException($"YouTube answered the {track.Name} captions with something that is not WebVTT.");
            return text;
        }
        catch (HttpRequestException ex)
        {
            throw new SourceFailedException($"Could not fetch the {track.Name} captions: {ex.Message}", ex);
        }
    }
}
