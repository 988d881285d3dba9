using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using YtDownloader.Jobs;
using YtDownloader.Pipeline;
using YtDownloader.Security;
using YtDownloader.Sources;
using YtDownloader.Sources.Youtube.Player;
using YtDownloader.Storage;

namespace YtDownloader.Api;

/// <summary>A request that cannot be served as asked: a missing field, a link that is not a YouTube video.</summary>
public sealed class InvalidRequestException(string message) : YtDownloaderException(message);

/// <summary>
/// The one place where the library's exceptions become HTTP answers: each failure gets a status and a
/// detail a person can act on; anything unexpected gets a generic 500 and never a stack trace.
/// </summary>
internal sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        // The client went away (a closed tab, a timeout on its side): nobody to answer, and no error of ours.
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            logger.LogDebug("{Path}: the client went away before the answer", context.Request.Path);
            return true;
        }

        var (status, title, detail) = Describe(exception);
        if (status >= 500 && exception is not YtDownloaderException)
            logger.LogError(exception, "Unhandled error on {Path}", context.Request.Path);
        else
            logger.LogInformation("{Path} answered {Status}: {Detail}", context.Request.Path, status, detail);

        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (exception is UnknownQualityException unknownQuality)
            problem.Extensions["available"] = unknownQuality.Available;
        if (exception is QueueFullException queueFull)
            context.Response.Headers.RetryAfter = ((int)queueFull.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static (int Status, string Title, string Detail) Describe(Exception exception) => exception switch
    {
        InvalidRequestException or UnknownQualityException => (400, "Invalid request", exception.Message),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (413, "Request too large",
            "The request body is too large: the API takes small JSON documents only."),
        BadHttpRequestException bad => (bad.StatusCode, "Invalid request",
            "The request could not be read: send a JSON body such as {\"url\": \"https://youtu.be/…\", \"quality\": \"1280x720\"}."),
        VideoTooLargeException => (422, "Video too large", exception.Message),
        VideoUnavailableException => (422, "Video cannot be downloaded", exception.Message),
        AllSourcesFailedException { Unavailable: { } unavailable } => (422, "Video cannot be downloaded", unavailable.Message),
        AllSourcesFailedException or SourceFailedException or PlayerScriptException => (502, "YouTube could not be reached", exception.Message),
        DownloadException or MuxException => (502, "Download failed", exception.Message),
        OutboundRequestRefusedException => (502, "Refused to contact a host", exception.Message),
        StorageFullException => (507, "Storage full", exception.Message),
        StorageException => (503, "Storage unavailable", exception.Message),
        QueueFullException => (429, "Too many uploads waiting", exception.Message),
        JobNotFoundException => (404, "No such job", exception.Message),
        JobAlreadyEndedException or JobCancelledException => (409, "Job ended", exception.Message),
        JobTimedOutException => (504, "Job took too long", exception.Message),
        _ => (500, "Internal error", "Something went wrong on the server. The error was logged; please try again."),
    };
}
