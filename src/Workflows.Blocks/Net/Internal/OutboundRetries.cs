using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Workflows.Blocks.Net.Internal;

/// <summary>
/// The retry pipeline of the guarded client. One pipeline serves every request; each request says how many
/// retries it wants (<see cref="Retries"/>, default none), so a block's <c>retries</c> needs no pipeline of its own.
/// </summary>
internal static class OutboundRetries
{
    /// <summary>The most retries a request may ask for.</summary>
    public const int MaxRetries = 10;

    /// <summary>How many times to retry this request after a transient failure (network error, 408, 429, 5xx).</summary>
    public static readonly HttpRequestOptionsKey<int> Retries = new("workflows.outbound.retries");

    /// <summary>Called before each retry with a line for the job's log (no header values, no URL).</summary>
    public static readonly HttpRequestOptionsKey<Func<string, ValueTask>> OnRetry = new("workflows.outbound.on-retry");

    /// <summary>Adds exponential backoff with jitter, honouring Retry-After, counted per request.</summary>
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilienceHandlerContext context)
    {
        var options = context.ServiceProvider.GetRequiredService<IOptions<OutboundOptions>>().Value;
        builder.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryDelay,
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(
                args.AttemptNumber < RetriesOf(args.Context)
                && !args.Context.CancellationToken.IsCancellationRequested
                && HttpClientResiliencePredicates.IsTransient(args.Outcome)
                && OutboundRefusedException.Find(args.Outcome.Exception) is null),
            OnRetry = args =>
            {
                if (args.Context.GetRequestMessage() is not { } request || !request.Options.TryGetValue(OnRetry, out var log))
                {
                    return default;
                }

                var failure = args.Outcome.Result is { } response
                    ? $"HTTP {(int)response.StatusCode}"
                    : args.Outcome.Exception?.Message ?? "failed";
                return log(string.Create(
                    CultureInfo.InvariantCulture,
                    $"attempt {args.AttemptNumber + 1} failed ({failure}); retrying in {args.RetryDelay.TotalSeconds:0.###}s"));
            },
        });
    }

    private static int RetriesOf(ResilienceContext context) =>
        context.GetRequestMessage() is { } request && request.Options.TryGetValue(Retries, out var retries)
            ? Math.Clamp(retries, 0, MaxRetries)
            : 0;
}
