using Microsoft.AspNetCore.Http.HttpResults;
using YtDownloader.Sources;

namespace YtDownloader.Api;

/// <summary>How each source and client fared lately: when YouTube changes, which client broke, without reading logs.</summary>
public static class SourcesApi
{
    public static IEndpointRouteBuilder MapSourcesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sources", GetSources)
            .WithName("GetSources")
            .WithSummary("Each source, and each YouTube client, with its last outcome (ok, refused or failed, why and when) and its counts.");
        return app;
    }

    public static Ok<SourcesResponse> GetSources(SourceChain chain, SourceHealth health) =>
        TypedResults.Ok(new SourcesResponse(health.Report(chain.SourceNames).Select(SourceResponse.From).ToList()));
}

public sealed record SourcesResponse(IReadOnlyList<SourceResponse> Sources);

/// <param name="Outcome"><c>ok</c>, <c>refused</c>, <c>failed</c>, or <c>null</c> while it has not been asked since the start.</param>
/// <param name="Reason">What it answered, when it was not ok.</param>
public sealed record SourceResponse(
    string Name,
    string? Outcome,
    string? Reason,
    DateTimeOffset? At,
    DateTimeOffset? LastSuccessAt,
    long Successes,
    long Failures,
    IReadOnlyList<SourceResponse> Clients)
{
    public static SourceResponse From(SourceHealthEntry entry) => new(
        entry.Name, entry.Outcome?.ToString().ToLowerInvariant(), entry.Reason, entry.At, entry.LastSuccessAt,
        entry.Successes, entry.Failures, entry.Clients.Select(From).ToList());
}
