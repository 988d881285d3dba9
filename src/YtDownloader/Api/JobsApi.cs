using System.Net.ServerSentEvents;
using Microsoft.AspNetCore.Http.HttpResults;
using YtDownloader.Jobs;
using YtDownloader.Security;

namespace YtDownloader.Api;

/// <summary>Uploads as jobs: created, followed live, listed, cancelled.</summary>
public static class JobsApi
{
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/jobs");
        jobs.MapPost("", CreateAsync).WithName("CreateJob")
            .WithSummary("Starts storing a video at one quality; joins an equal job, or answers with the object if it exists.")
            .RequireRateLimiting(RateLimitPolicies.Jobs);
        jobs.MapGet("", ListAsync).WithName("ListJobs").WithSummary("Jobs, newest first, a page at a time.");
        jobs.MapGet("/{id}", GetAsync).WithName("GetJob");
        jobs.MapDelete("/{id}", CancelAsync).WithName("CancelJob").WithSummary("Cancels a waiting or running job.");
        jobs.MapGet("/{id}/events", EventsAsync).WithName("JobEvents")
            .WithSummary("The job's progress as server-sent events (type \"job\"), until it ends.");
        return app;
    }

    public static async Task<Results<Accepted<JobResponse>, Ok<JobResponse>>> CreateAsync(
        UploadRequestBody? body, JobRunner runner, HttpContext context, CancellationToken cancellationToken)
    {
        var job = await runner.SubmitAsync(UploadApi.ParseRequest(body), cancellationToken);
        var response = JobResponse.From(job, BaseUrl(context));
        return job.Phase == JobPhase.Done
            ? TypedResults.Ok(response)
            : TypedResults.Accepted($"/api/jobs/{job.Id}", response);
    }

    public static async Task<Ok<JobPageResponse>> ListAsync(
        string? limit, string? before, JobRunner runner, HttpContext context, CancellationToken cancellationToken)
    {
        var size = QueryValues.Integer(nameof(limit), limit, 1, 100) ?? 20;
        QueryValues.Cursor(nameof(before), before);
        var page = await runner.ListAsync(size, before, cancellationToken);
        var baseUrl = BaseUrl(context);
        return TypedResults.Ok(new JobPageResponse(page.Jobs.Select(j => JobResponse.From(j, baseUrl)).ToList(), page.Next));
    }

    public static async Task<Ok<JobResponse>> GetAsync(string id, JobRunner runner, HttpContext context, CancellationToken cancellationToken) =>
        TypedResults.Ok(JobResponse.From(await runner.GetAsync(id, cancellationToken), BaseUrl(context)));

    public static async Task<Ok<JobResponse>> CancelAsync(string id, JobRunner runner, HttpContext context, CancellationToken cancellationToken) =>
        TypedResults.Ok(JobResponse.From(await runner.CancelAsync(id, cancellationToken), BaseUrl(context)));

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
