using Grpc.Net.Client;
using Workflows.Contracts.V1;

namespace Workflows.WebConsole.Internal;

/// <summary>
/// One loopback channel to the service's gRPC API, shared by every circuit. It carries no credentials of its own: each
/// call carries the signed-in user's token (<see cref="ConsoleSession"/>), so the service checks it as for any caller.
/// </summary>
internal sealed class ConsoleApi : IDisposable
{
    private readonly GrpcChannel _channel;

    public ConsoleApi(ConsoleEndpoints endpoints)
    {
        _channel = GrpcChannel.ForAddress(endpoints.Grpc);
        Client = new WorkflowService.WorkflowServiceClient(_channel);
        Rest = new HttpClient { BaseAddress = endpoints.Rest, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The native API's client; every call must pass <see cref="ConsoleSession.Headers"/>.</summary>
    public WorkflowService.WorkflowServiceClient Client { get; }

    /// <summary>The REST endpoint, for the calls that have no gRPC form (signed file links).</summary>
    public HttpClient Rest { get; }

    public void Dispose()
    {
        Rest.Dispose();
        _channel.Dispose();
    }
}
