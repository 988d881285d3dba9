using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace YtDownloader.Security;

/// <summary>
/// Downloads started per client and window (<see cref="LimitsOptions.JobRequests"/>): each one costs bandwidth, ffmpeg
/// time and bucket space. A request gets in while its client has starts left, and counts only once its job is
/// accepted, so that a refused one (400, 422: a typo, a private video) does not use up the budget.
/// </summary>
public sealed class JobRequestBudget : IDisposable
{
    private readonly PartitionedRateLimiter<HttpContext> _starts =
        PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPolicies.PerClient(context, l => l.JobRequests));

    /// <summary>Throws <see cref="TooManyRequestsException"/> when this client has no starts left in its window.</summary>
    public void CheckRoom(HttpContext context)
    {
        // Zero permits: asks whether any is left without taking one.
        using var lease = _starts.AttemptAcquire(context, 0);
        if (!lease.IsAcquired)
            throw new TooManyRequestsException(RateLimitPolicies.Seconds(lease));
    }

    /// <summary>Counts an accepted start; past the limit (requests let in at once) it is simply full.</summary>
    public void Spend(HttpContext context) => _starts.AttemptAcquire(context, 1).Dispose();

    public void Dispose() => _starts.Dispose();
}
