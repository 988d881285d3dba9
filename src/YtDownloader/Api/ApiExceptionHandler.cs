using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace YtDownloader.Api;

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
        if (exception is YtDownloaderException ours)
        {
            foreach (var (name, value) in ours.Details)
                problem.Extensions[name] = value;
            if (ours.RetryAfter is { } retryAfter)
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>
    /// Every problem answer, ours or the framework's own (a 415 for a body that is not JSON, a 405), gets a detail a
    /// person can act on, and the two fields the original upload endpoint's clients read.
    /// </summary>
    internal static void Complete(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        problem.Detail ??= problem.Status switch
        {
            StatusCodes.Status415UnsupportedMediaType => "The body must be JSON: send Content-Type: application/json.",
            StatusCodes.Status405MethodNotAllowed => $"{context.HttpContext.Request.Method} is not answered here: see the README for the methods of each path.",
            StatusCodes.Status404NotFound => "Nothing is served at this path: see the README for the API's paths.",
            _ => null,
        };
        problem.Extensions["success"] = false;
        problem.Extensions["error"] = problem.Detail ?? problem.Title;
    }

    private static (int Status, string Title, string Detail) Describe(Exception exception) => exception switch
    {
        YtDownloaderException ours => (StatusOf(ours.Category), ours.Title ?? TitleOf(ours.Category), ours.Message),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (413, "Request too large",
            "The request body is too large: the API takes small JSON documents only."),
        BadHttpRequestException bad => (bad.StatusCode, "Invalid request",
            "The request could not be read: send a JSON body such as {\"url\": \"https://youtu.be/…\", \"quality\": \"1280x720\"}."),
        _ => (500, "Internal error", "Something went wrong on the server. The error was logged; please try again."),
    };

    private static int StatusOf(ErrorCategory category) => category switch
    {
        ErrorCategory.InvalidInput => StatusCodes.Status400BadRequest,
        ErrorCategory.NotFound => StatusCodes.Status404NotFound,
        ErrorCategory.NotPlayable or ErrorCategory.NeedsConfiguration => StatusCodes.Status422UnprocessableEntity,
        ErrorCategory.Conflict => StatusCodes.Status409Conflict,
        ErrorCategory.Busy => StatusCodes.Status429TooManyRequests,
        ErrorCategory.RefusedForNow => StatusCodes.Status503ServiceUnavailable,
        ErrorCategory.UpstreamFailed => StatusCodes.Status502BadGateway,
        ErrorCategory.TimedOut => StatusCodes.Status504GatewayTimeout,
        ErrorCategory.StorageFailed => StatusCodes.Status503ServiceUnavailable,
        ErrorCategory.StorageFull => StatusCodes.Status507InsufficientStorage,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static string TitleOf(ErrorCategory category) => category switch
    {
        ErrorCategory.InvalidInput => "Invalid request",
        ErrorCategory.NotFound => "Not found",
        ErrorCategory.NotPlayable => "Video cannot be downloaded",
        ErrorCategory.NeedsConfiguration => "Needs configuration",
        ErrorCategory.Conflict => "Conflict",
        ErrorCategory.Busy => "Too busy",
        ErrorCategory.RefusedForNow => "YouTube is asking this server to prove it is not a bot",
        ErrorCategory.UpstreamFailed => "Upstream failed",
        ErrorCategory.TimedOut => "Job took too long",
        ErrorCategory.StorageFailed => "Storage unavailable",
        ErrorCategory.StorageFull => "Storage full",
        _ => "Internal error",
    };
}
