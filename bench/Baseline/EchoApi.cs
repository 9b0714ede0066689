using Bench.Echo;
using Grpc.Core;

namespace Bench.Baseline;

/// <summary>The gRPC echo: answers with the request's text.</summary>
internal sealed class EchoApi : EchoService.EchoServiceBase
{
    public override Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context) =>
        Task.FromResult(new EchoResponse { Message = request.Message });
}
