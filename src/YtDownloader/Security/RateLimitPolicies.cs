using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace YtDownloader.Security;

/// <summary>The rate limiting policies endpoints opt into with <c>.RequireRateLimiting(…)</c>.</summary>
public static class RateLimitPolicies
{
    /// <summary>Asking YouTube about a video: cheap for us, but each one is a request YouTube may hold against our address.</summary>
    public const string Metadata = "metadata";

    /// <summary>Seconds to wait, as Retry-After says them: whole, at least one.</summary>
    internal static int Seconds(RateLimitLease lease) =>
        Math.Max(1, (int)Math.Ceiling((lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1)).TotalSeconds));

    internal static void Configure(RateLimiterOptions options)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.AddPolicy(Metadata, context => PerClient(context, l => l.MetadataRequests));
        options.OnRejected = async (rejected, cancellationToken) =>
        {
            var context = rejected.HttpContext;
            var seconds = Seconds(rejected.Lease);
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await context.WriteProblemAsync(StatusCodes.Status429TooManyRequests, TooManyRequestsException.Heading,
                TooManyRequestsException.Sentence(seconds));
        };
    }

    /// <summary>One window per client: the API key when one was presented, else the remote address.</summary>
    internal static RateLimitPartition<string> PerClient(HttpContext context, Func<LimitsOptions, int> permits)
    {
        var limits = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value;
        var client = context.User.FindFirstValue(ApiKeyMiddleware.ClientClaim)
            ?? context.Connection.RemoteIpAddress?.ToString()
            ?? "unknown";
        return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits(limits),
            Window = limits.RateLimitWindow,
            QueueLimit = 0,
        });
    }
}
