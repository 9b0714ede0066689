using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Workflows.Blocks.Net.Internal;

namespace Workflows.Blocks.Net;

/// <summary>Registers the outbound guard and the guarded <see cref="HttpClient"/> (<see cref="OutboundGuard.HttpClientName"/>).</summary>
public static class OutboundServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="OutboundOptions"/>, the <see cref="OutboundGuard"/> and the named client whose connections it
    /// checks, with a retry pipeline that each request enables by asking for retries. Calling it twice is harmless.
    /// </summary>
    public static IServiceCollection AddOutboundHttp(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(OutboundGuard)))
        {
            return services;
        }

        services.AddOptions<OutboundOptions>();
        services.TryAddSingleton<OutboundGuard>();
        services.AddHttpClient(OutboundGuard.HttpClientName)
            // Each caller bounds its own request (a block's `timeout`), retries and waits included.
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundGuard>().CreateHandler())
            .AddResilienceHandler("workflows-outbound-retry", OutboundRetries.Configure);
        return services;
    }
}
