using Microsoft.AspNetCore.Http.HttpResults;
using YtDownloader.Jobs;
using YtDownloader.Pipeline;
using YtDownloader.Security;

namespace YtDownloader.Api;

public static class UploadApi
{
    public static IEndpointRouteBuilder MapUploadApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/upload-s3", UploadAsync)
            .WithName("UploadToS3")
            .WithSummary("Stores a video at one quality as a job and waits for it; the job goes on if the client leaves.");
        return app;
    }

    /// <summary>The original contract: one request, the stored object in the answer, or the failure as it happened.</summary>
    public static async Task<Ok<UploadResponse>> UploadAsync(
        UploadRequestBody? body, JobRunner runner, JobRequestBudget budget, HttpContext context, CancellationToken cancellationToken)
    {
        budget.CheckRoom(context);
        var job = await runner.SubmitAsync(ParseRequest(body), cancellationToken);
        budget.Spend(context);
        // The job is not tied to this request: if the client goes away, only the waiting stops.
        var result = await runner.WaitForResultAsync(job, cancellationToken);
        return TypedResults.Ok(UploadResponse.From(result, JobsApi.BaseUrl(context)));
    }

    internal static JobRequest ParseRequest(UploadRequestBody? body)
    {
        RefuseControlCharacters(body);
        var id = VideoApi.ParseVideoUrl(body?.Url);
        if (string.IsNullOrWhiteSpace(body!.Quality))
            throw new InvalidRequestException("The quality field is required, e.g. \"1280x720\" or \"720p\": GET /api/video lists them.");
        return new JobRequest(body.Url!.Trim(), id, body.Quality.Trim(), body.Title, ParseOutput(body), ParseSubtitles(body));
    }

    /// <summary>Every field is logged or stored: a raw newline would forge log lines and travel into the job's record.</summary>
    internal static void RefuseControlCharacters(UploadRequestBody? body)
    {
        if (body is null)
            return;
        var fields = new (string Name, string? Value)[] { ("url", body.Url), ("quality", body.Quality), ("title", body.Title), ("format", body.Format) }
            .Concat((body.VideoIds ?? []).Select(id => ("videoIds", (string?)id)))
            .Concat((body.Subtitles ?? []).Select(language => ("subtitles", (string?)language)));
        foreach (var (name, value) in fields)
        {
            if (RequestText.HasControlCharacters(value))
                throw new InvalidRequestException($"The {name} field contains a control character (a newline, a tab, NUL…): remove it.");
        }
    }

    /// <summary>
    /// The caption languages asked for, as YouTube names them ("en", "pt-BR"): whether the video has them is known only
    /// once it is looked up, before any download.
    /// </summary>
    internal static IReadOnlyList<string>? ParseSubtitles(UploadRequestBody body)
    {
        if (body.Subtitles is not { Count: > 0 } languages)
            return null;
        if (languages.Count > MaxSubtitles)
            throw new InvalidRequestException($"Ask for at most {MaxSubtitles} subtitle languages at once.");
        foreach (var language in languages)
        {
            if (string.IsNullOrWhiteSpace(language) || language.Trim().Length > 16 || !language.Trim().All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
                throw new InvalidRequestException(
                    $"\u201c{language}\u201d is not a subtitle language: use the language codes GET /api/video lists under subtitles, e.g. \"en\" or \"pt-BR\".");
        }
        return [.. languages.Select(l => l.Trim())];
    }

    private const int MaxSubtitles = 20;

    /// <summary>The file the request asks for: MP4 video, or with quality "audio" an M4A, MP3 or Opus file.</summary>
    internal static OutputFormat ParseOutput(UploadRequestBody body) =>
        OutputFormats.For(body.Quality!, body.Format)
        ?? throw new InvalidRequestException(
            $"Format \u201c{body.Format}\u201d does not go with quality \u201c{body.Quality}\u201d: use quality \"audio\" with format "
            + "\"m4a\" (AAC as is), \"mp3\" or \"opus\", and no format (or \"mp4\") with a video quality.");
}
