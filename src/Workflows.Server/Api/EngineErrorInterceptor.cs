using Grpc.Core;
using Grpc.Core.Interceptors;
using Workflows.Engine.Definitions;
using Workflows.Engine.Jobs;

namespace Workflows.Server.Api;

/// <summary>
/// Turns engine errors into gRPC statuses (and so, through transcoding, into HTTP status codes with a
/// <c>code</c> + <c>message</c> body). Anything unexpected is logged and answered with a plain Internal.
/// </summary>
internal sealed partial class EngineErrorInterceptor(ILogger<EngineErrorInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (Map(ex, context) is { } rpc)
        {
            throw rpc;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (Map(ex, context) is { } rpc)
        {
            throw rpc;
        }
    }

    private RpcException? Map(Exception exception, ServerCallContext context) => exception switch
    {
        RpcException => null,
        EngineException e => new RpcException(new Status(ToStatus(e.Kind), e.Message)),
        DefinitionException e => new RpcException(new Status(StatusCode.InvalidArgument, e.Message)),
        OperationCanceledException when context.CancellationToken.IsCancellationRequested =>
            new RpcException(new Status(StatusCode.Cancelled, "the call was cancelled")),
        _ => Fault(exception, context),
    };

    private RpcException Fault(Exception exception, ServerCallContext context)
    {
        LogFault(logger, context.Method, exception);
        return new RpcException(new Status(StatusCode.Internal, "internal error"));
    }

    private static StatusCode ToStatus(EngineErrorKind kind) => kind switch
    {
        EngineErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        EngineErrorKind.NotFound => StatusCode.NotFound,
        EngineErrorKind.PermissionDenied => StatusCode.PermissionDenied,
        EngineErrorKind.AlreadyExists => StatusCode.AlreadyExists,
        EngineErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
        _ => StatusCode.Unknown,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in {Method}")]
    private static partial void LogFault(ILogger logger, string method, Exception exception);
}
