using System.Security.Claims;
using System.Threading.RateLimiting;
using Grpc.Core;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Workflows.Engine.Jobs;
using Workflows.Security;
using Workflows.Server.Api;
using Workflows.Server.Auth;

namespace Workflows.Server.Hosting;

/// <summary>
/// The per-organisation request rate (<see cref="LimitOptions.RequestsPerSecond"/>, <see cref="LimitOptions.Burst"/>):
/// one token bucket per token <c>org</c> claim on the API endpoints (never on health), sized to this node's share when
/// several nodes share a store (<see cref="ClusterNode.Share"/>). It runs after authentication, so
/// a request over the limit was already authenticated. Rejections are 429 with <c>Retry-After</c> and a
/// <c>code</c> + <c>message</c> body over REST, and RESOURCE_EXHAUSTED with a <c>retry-after</c> trailer over gRPC.
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

        // Each live node enforces its share, so the nodes together hold the organisation's limit; the share is part of
        // the key, so a change in the number of nodes starts fresh buckets of the new size.
        var node = context.RequestServices.GetRequiredService<ClusterNode>();
        var rate = node.Share(limits.RequestsPerSecond);
        var burst = node.Share(limits.Burst);
        return RateLimitPartition.GetTokenBucketLimiter($"{organization}\n{rate}\n{burst}", _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = rate,
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
        var node = http.RequestServices.GetRequiredService<ClusterNode>();
        var shared = node.LiveNodes > 1
            ? $" (this node's share of it with {node.LiveNodes} nodes: {node.Share(limits.RequestsPerSecond)} per second, burst {node.Share(limits.Burst)})"
            : "";
        await ErrorResponses.WriteAsync(
            http,
            StatusCode.ResourceExhausted,
            StatusCodes.Status429TooManyRequests,
            $"organisation '{organization}' sent more than {limits.RequestsPerSecond} requests per second " +
            $"(burst {limits.Burst}){shared}; retry after {seconds} s");
    }
}
