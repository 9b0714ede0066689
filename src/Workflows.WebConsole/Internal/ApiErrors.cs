using Grpc.Core;

namespace Workflows.WebConsole.Internal;

/// <summary>One line for the user from an API error: what the service said, and in which category.</summary>
internal static class ApiErrors
{
    public static string Describe(RpcException e) => e.StatusCode switch
    {
        StatusCode.Unauthenticated => "Not signed in: " + e.Status.Detail,
        StatusCode.PermissionDenied => "Not allowed: " + e.Status.Detail,
        StatusCode.NotFound => "Not found: " + e.Status.Detail,
        StatusCode.Unavailable => "The service is not reachable: " + e.Status.Detail,
        _ => e.Status.Detail is { Length: > 0 } detail ? detail : e.StatusCode.ToString(),
    };
}
