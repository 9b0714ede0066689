using Grpc.Core;
using Grpc.Core.Interceptors;
using Workflows.Engine.Definitions;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Server.Api;

/// <summary>
/// Turns engine errors into gRPC statuses (and so, through transcoding, into HTTP status codes with a
/// <c>code</c> + <c>message</c> body), with a <c>retry-after</c> trailer (REST: header) when the error carries a retry
/// hint. Anything unexpected is logged and answered with a plain Internal.
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
        EngineException e => ToRpc(e, context),
        DefinitionException e => new RpcException(new Status(StatusCode.InvalidArgument, e.Message)),
        OperationCanceledException when context.CancellationToken.IsCancellationRequested =>
            new RpcException(new Status(StatusCode.Cancelled, "the call was cancelled")),
        StoreBusyException => ToRpc(
            new EngineException(EngineErrorKind.ResourceExhausted, "the service has too many writes queued; try again shortly")
            {
                RetryAfter = TimeSpan.FromSeconds(1),
            }, context),
        _ when StoreOutage.Is(exception) => Unavailable(exception, context),
        _ => Fault(exception, context),
    };

    private static RpcException ToRpc(EngineException exception, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var transcoded = !Auth.ErrorResponses.IsGrpc(http);
        if (exception.RetryAfter is { } retryAfter)
        {
            var seconds = RetryAfterSeconds(retryAfter);
            if (transcoded)
            {
                http.Response.Headers.RetryAfter = seconds;
            }
            else
            {
                context.ResponseTrailers.Add("retry-after", seconds);
            }
        }

        if (transcoded && RestStatus(exception.Kind) is { } status)
        {
            // Transcoding maps every gRPC code to a fixed HTTP status: FAILED_PRECONDITION to 400, none to 422. It sets
            // its status just before writing the error body, so the status is replaced when the response starts.
            http.Response.OnStarting(static state =>
            {
                var (response, status) = ((HttpResponse, int))state;
                if (response.StatusCode == StatusCodes.Status400BadRequest)
                {
                    response.StatusCode = status;
                }

                return Task.CompletedTask;
            }, (http.Response, status));
        }

        return new RpcException(new Status(ToStatus(exception.Kind), exception.Message));
    }

    /// <summary>The REST status where it differs from transcoding's mapping of the gRPC code.</summary>
    private static int? RestStatus(EngineErrorKind kind) => kind switch
    {
        // The state of the thing forbids the call (a finished job takes no signal): a conflict, not a bad request.
        EngineErrorKind.FailedPrecondition => StatusCodes.Status409Conflict,
        EngineErrorKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        _ => null,
    };

    /// <summary>Whole seconds for a <c>Retry-After</c> header, at least 1.</summary>
    internal static string RetryAfterSeconds(TimeSpan retryAfter) =>
        Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    // The database cannot answer now: 503 / UNAVAILABLE with a retry hint, the details in the log only.
    private RpcException Unavailable(Exception exception, ServerCallContext context)
    {
        LogUnavailable(logger, context.Method, exception.Message);
        return ToRpc(new EngineException(EngineErrorKind.Unavailable, StoreOutage.Message) { RetryAfter = StoreOutage.RetryAfter }, context);
    }

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
        EngineErrorKind.Unprocessable => StatusCode.FailedPrecondition,
        EngineErrorKind.Aborted => StatusCode.Aborted,
        EngineErrorKind.ResourceExhausted => StatusCode.ResourceExhausted,
        EngineErrorKind.Unavailable => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database did not answer {Method}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string method, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in {Method}")]
    private static partial void LogFault(ILogger logger, string method, Exception exception);
}
