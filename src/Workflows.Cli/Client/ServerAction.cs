using System.CommandLine;
using Grpc.Core;

namespace Workflows.Cli.Client;

/// <summary>Runs a command that talks to the server: opens the connection, and turns gRPC statuses into the CLI's exit
/// codes and one-line messages.</summary>
public static class ServerAction
{
    /// <summary>Sets <paramref name="action"/> as <paramref name="command"/>'s action.</summary>
    public static void Set(Command command, Func<ParseResult, Connection, Output, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parsed, cancellationToken) =>
        {
            using var connection = Connection.Open(parsed);
            try
            {
                return await action(parsed, connection, Output.For(parsed), cancellationToken);
            }
            catch (RpcException e)
            {
                throw Translate(e, connection.Server);
            }
        });

    /// <summary>The exit code and message of a gRPC error.</summary>
    public static CliException Translate(RpcException e, string server)
    {
        var detail = string.IsNullOrEmpty(e.Status.Detail) ? e.StatusCode.ToString() : e.Status.Detail;
        return e.StatusCode switch
        {
            StatusCode.Unavailable or StatusCode.DeadlineExceeded =>
                new CliException(ExitCodes.Unreachable, $"cannot reach the server at {server}: {RootMessage(e)}", e),
            StatusCode.Unauthenticated => new CliException(ExitCodes.Auth,
                $"not signed in or the token was refused ({detail}); pass --token, set ${GlobalOptions.TokenVariable} or run `workflows login`", e),
            StatusCode.PermissionDenied => new CliException(ExitCodes.Auth, $"permission denied: {detail}", e),
            StatusCode.NotFound => new CliException(ExitCodes.NotFound, detail, e),
            StatusCode.InvalidArgument or StatusCode.OutOfRange => new CliException(ExitCodes.Usage, detail, e),
            _ => new CliException(ExitCodes.Failed, detail, e),
        };
    }

    private static string RootMessage(RpcException e)
    {
        Exception inner = e.Status.DebugException ?? (Exception)e;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return inner.Message;
    }
}
