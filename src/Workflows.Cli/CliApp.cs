using System.CommandLine;
using System.CommandLine.Help;
using Grpc.Core;
using Workflows.Cli.Client;
using Workflows.Cli.Commands;

namespace Workflows.Cli;

/// <summary>The <c>workflows</c> command line: System.CommandLine parses and dispatches; a command line that does
/// not fit exits 2 with the reason and the command's help; server errors map to the exit codes of
/// <see cref="ExitCodes"/>; a failure prints one line (its stack trace only with <c>--verbose</c>).</summary>
public static class CliApp
{
    /// <summary>Exit code of a command line that does not fit the usage.</summary>
    public const int UsageExitCode = 2;

    /// <summary>Exit code of a well-formed request that could not be carried out (bad action, unsafe org, I/O).</summary>
    public const int FailureExitCode = 1;

    /// <summary>Builds the command tree; help text comes from the descriptions given here and in <c>Commands/</c>.</summary>
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand(
            "Workflows command line: runs workflows and watches them live, manages jobs, apps and schedules over gRPC;\n"
            + "mints tokens and webhook secrets offline with the server's data dir.\n"
            + "Exit codes: 0 success, 1 the job failed or was cancelled (or the request was refused), 2 usage,\n"
            + "3 authentication or permission, 4 not found, 5 server unreachable.")
        {
            HelpName = "workflows",
        };
        GlobalOptions.AddTo(root);
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(JobsCommand.Create());
        root.Subcommands.Add(AppsCommand.Create());
        root.Subcommands.Add(SchedulesCommand.Create());
        root.Subcommands.Add(LoginCommand.Create());
        root.Subcommands.Add(TokenCommand.Create());
        root.Subcommands.Add(WebhookSecretCommand.Create());
        root.Subcommands.Add(HelpCommand.Create(root));
        return root;
    }

    /// <summary>Runs the command line; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var parsed = CreateRootCommand().Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not HelpAction)
        {
            foreach (var parseError in parsed.Errors)
            {
                await error.WriteLineAsync($"error: {parseError.Message}");
            }

            await error.WriteLineAsync();
            WriteHelp(parsed.CommandResult.Command, error);
            return UsageExitCode;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (Exception ex)
        {
            var (code, message) = ex switch
            {
                CliException cli => (cli.ExitCode, cli.Message),
                RpcException rpc => (ServerAction.Translate(rpc, "the server").ExitCode, ServerAction.Translate(rpc, "the server").Message),
                OperationCanceledException => (FailureExitCode, "interrupted"),
                _ => (FailureExitCode, ex.Message),
            };
            await error.WriteLineAsync($"error: {message}");
            if (parsed.GetValue(GlobalOptions.Verbose))
            {
                await error.WriteLineAsync(ex.ToString());
            }

            return code;
        }
    }

    /// <summary>Writes <paramref name="command"/>'s help, the text <c>--help</c> prints, to <paramref name="writer"/>.</summary>
    public static void WriteHelp(Command command, TextWriter writer)
    {
        // HelpBuilder is internal in System.CommandLine 3; asking the tree for `<path> --help` is the public way.
        var path = new List<string>();
        var root = command;
        while (root.Parents.OfType<Command>().FirstOrDefault() is { } parent)
        {
            path.Insert(0, root.Name);
            root = parent;
        }

        root.Parse([.. path, "--help"]).Invoke(new InvocationConfiguration { Output = writer });
    }
}
