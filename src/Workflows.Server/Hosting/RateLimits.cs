using System.Security.Claims;
using System.Threading.RateLimiting;
using Grpc.Core;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Security;
using Workflows.Server.Api;
using Workflows.Server.Auth;

namespace Workflows.Server.Hosting;

/// <summary>
/// The per-organisation request rate (<see cref="LimitOptions.RequestsPerSecond"/>, <see cref="LimitOptions.Burst"/>):
/// one token bucket per token <c>org</c> claim on the API endpoints (never on health). With a store several nodes share
/// (<see cref="ISharedLimitStore"/>, PostgreSQL) the bucket is in the database and holds across all nodes
/// (<see cref="SharedRequestLimiter"/>); otherwise this node is the only one and keeps it in memory. It runs after
/// authentication, so a request over the limit was already authenticated. Rejections are 429 with <c>Retry-After</c> and
/// a <c>code</c> + <c>message</c> body over REST, and RESOURCE_EXHAUSTED with a <c>retry-after</c> trailer over gRPC.
/// </summary>
internal static class RateLimits
{
    /// <summary>The rate-limiting policy the API endpoints require.</summary>
    public const string Policy = "organisation";

    public static IServiceCollection AddWorkflowsRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Policy, Partition);
            limiter.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(HttpContext context)
    {
        var limits = context.RequestServices.GetRequiredService<IOptions<LimitOptions>>().Value;
        var organization = context.User.FindFirstValue(TokenClaims.Organization);
        if (limits.RequestsPerSecond == 0 || string.IsNullOrEmpty(organization))
        {
            // Disabled, or anonymous (authorization has already refused anonymous API calls).
            return RateLimitPartition.GetNoLimiter("");
        }

        if (context.RequestServices.GetRequiredService<IJobStore>() is ISharedLimitStore shared)
        {
            // The settings are part of the key, so a change of them starts a fresh limiter (the bucket row adapts itself).
            var rate = limits.RequestsPerSecond;
            var burst = limits.Burst;
            return RateLimitPartition.Get($"{organization}\n{rate}\n{burst}", _ =>
                new SharedRequestLimiter(shared, organization, rate, burst, TimeProvider.System));
        }

        return RateLimitPartition.GetTokenBucketLimiter($"{organization}\n{limits.RequestsPerSecond}\n{limits.Burst}", _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.Burst,
            TokensPerPeriod = limits.RequestsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        var limits = http.RequestServices.GetRequiredService<IOptions<LimitOptions>>().Value;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = EngineErrorInterceptor.RetryAfterSeconds(retryAfter);
        // Over gRPC this header travels in the trailers-only response, so clients read it as a trailer.
        http.Response.Headers.RetryAfter = seconds;
        var organization = http.User.FindFirstValue(TokenClaims.Organization);
        await ErrorResponses.WriteAsync(
            http,
            StatusCode.ResourceExhausted,
            StatusCodes.Status429TooManyRequests,
            $"organisation '{organization}' sent more than {limits.RequestsPerSecond} requests per second " +
            $"(burst {limits.Burst}, across all nodes); retry after {seconds} s");
    }
}
