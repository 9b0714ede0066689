using Microsoft.Extensions.Configuration;

namespace Workflows.WebConsole.Internal;

/// <summary>
/// Where the console's server side reaches the service's own API: the host's gRPC endpoint (and its REST endpoint for
/// file links), over loopback. Read from the Kestrel endpoint settings unless <c>Workflows:Console:GrpcUrl</c> /
/// <c>RestUrl</c> say otherwise.
/// </summary>
internal sealed class ConsoleEndpoints(IConfiguration configuration)
{
    public Uri Grpc { get; } = Resolve(configuration, "Workflows:Console:GrpcUrl", "Kestrel:Endpoints:Grpc:Url", "http://127.0.0.1:8081");

    public Uri Rest { get; } = Resolve(configuration, "Workflows:Console:RestUrl", "Kestrel:Endpoints:Rest:Url", "http://127.0.0.1:8080");

    private static Uri Resolve(IConfiguration configuration, string overrideKey, string kestrelKey, string fallback)
    {
        var url = configuration[overrideKey] is { Length: > 0 } given ? given : configuration[kestrelKey] ?? fallback;
        // A wildcard binding ("http://*:8081", "http://0.0.0.0:8081", "http://[::]:8081") is reached on loopback.
        var wildcard = url.Replace("://*:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://+:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://[::]:", "://127.0.0.1:", StringComparison.Ordinal);
        return new Uri(wildcard);
    }
}
