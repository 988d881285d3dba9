using System.Net.ServerSentEvents;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using YtDownloader.Jobs;
using YtDownloader.Security;
using YtDownloader.Sources.Youtube;

namespace YtDownloader.Api;

/// <summary>Uploads as jobs: created, followed live, listed, cancelled.</summary>
public static class JobsApi
{
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/jobs");
        jobs.MapPost("", CreateAsync).WithName("CreateJob")
            .WithSummary("Starts storing a video at one quality; joins an equal job, or answers with the object if it exists.");
        jobs.MapGet("", ListAsync).WithName("ListJobs").WithSummary("Jobs, newest first, a page at a time; or one batch's jobs with batch=<id>.");
        jobs.MapDelete("", CancelBatchAsync).WithName("CancelBatch").WithSummary("Cancels every job of a batch (batch=<id>) that has not ended.");
        jobs.MapGet("/{id}", GetAsync).WithName("GetJob");
        jobs.MapDelete("/{id}", CancelAsync).WithName("CancelJob")
            .WithSummary("Cancels a waiting or running job (200 with the job); removes an ended one from the history (204).");
        jobs.MapGet("/{id}/events", EventsAsync).WithName("JobEvents")
            .WithSummary("The job's progress as server-sent events (type \"job\"), until it ends.");
        return app;
    }

    public static async Task<Results<Accepted<JobResponse>, Ok<JobResponse>, Accepted<BatchResponse>>> CreateAsync(
        UploadRequestBody? body, JobRunner runner, BrowseClient browse, IOptions<LimitsOptions> limits, JobRequestBudget budget,
        HttpContext context, CancellationToken cancellationToken)
    {
        budget.CheckRoom(context);
        if (PlaylistApi.IsBatch(body))
        {
            var (batch, created) = await PlaylistApi.SubmitBatchAsync(body!, runner, browse, limits.Value, cancellationToken);
            budget.Spend(context);
            return TypedResults.Accepted($"/api/jobs?batch={batch}", BatchResponse.From(batch, created, BaseUrl(context)));
        }
        var job = await runner.SubmitAsync(UploadApi.ParseRequest(body), cancellationToken);
        budget.Spend(context);
        var response = JobResponse.From(job, BaseUrl(context));
        return job.Phase == JobPhase.Done
            ? TypedResults.Ok(response)
            : TypedResults.Accepted($"/api/jobs/{job.Id}", response);
    }

    public static async Task<Results<Ok<JobPageResponse>, Ok<BatchResponse>>> ListAsync(
        string? limit, string? before, string? batch, JobRunner runner, HttpContext context, CancellationToken cancellationToken)
    {
        if (batch is not null)
            return TypedResults.Ok(BatchResponse.From(batch, await runner.ListBatchAsync(batch, cancellationToken), BaseUrl(context)));
        var size = QueryValues.Integer(nameof(limit), limit, 1, 100) ?? 20;
        QueryValues.Cursor(nameof(before), before);
        var page = await runner.ListAsync(size, before, cancellationToken);
        var baseUrl = BaseUrl(context);
        return TypedResults.Ok(new JobPageResponse(page.Jobs.Select(j => JobResponse.From(j, baseUrl)).ToList(), page.Next));
    }

    public static async Task<Ok<JobResponse>> GetAsync(string id, JobRunner runner, HttpContext context, CancellationToken cancellationToken) =>
        TypedResults.Ok(JobResponse.From(await runner.GetAsync(id, cancellationToken), BaseUrl(context)));

    public static async Task<Results<Ok<JobResponse>, NoContent>> CancelAsync(
        string id, JobRunner runner, HttpContext context, CancellationToken cancellationToken) =>
        await runner.CancelOrRemoveAsync(id, cancellationToken) is { } cancelled
            ? TypedResults.Ok(JobResponse.From(cancelled, BaseUrl(context)))
            : TypedResults.NoContent();

    public static async Task<Ok<BatchResponse>> CancelBatchAsync(string? batch, JobRunner runner, HttpContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(batch))
            throw new InvalidRequestException("Name the batch to cancel: DELETE /api/jobs?batch=<id>.");
        return TypedResults.Ok(BatchResponse.From(batch, await runner.CancelBatchAsync(batch, cancellationToken), BaseUrl(context)));
    }

    public static async Task<ServerSentEventsResult<JobResponse>> EventsAsync(
        string id, JobRunner runner, HttpContext context, CancellationToken cancellationToken)
    {
        // An unknown job is a 404 before the stream starts.
        await runner.GetAsync(id, cancellationToken);
        var baseUrl = BaseUrl(context);
        return TypedResults.ServerSentEvents(Follow(runner.FollowAsync(id, cancellationToken), baseUrl));
    }

    private static async IAsyncEnumerable<SseItem<JobResponse>> Follow(IAsyncEnumerable<JobSnapshot> states, Uri baseUrl)
    {
        await foreach (var snapshot in states)
            yield return new SseItem<JobResponse>(JobResponse.From(snapshot, baseUrl), "job");
    }

    internal static Uri BaseUrl(HttpContext context) => PublicBaseUrl.Of(context);
}
