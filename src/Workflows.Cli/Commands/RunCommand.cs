using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using Workflows.Cli.Client;
using Workflows.Contracts.V1;

namespace Workflows.Cli.Commands;

/// <summary><c>workflows run APP [WORKFLOW] --var k=v … [--vars-file F] [--detach]</c>.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var app = new Argument<string>("app") { Description = "The app to run" };
        var workflow = new Argument<string?>("workflow") { Description = "The workflow [default: main]", Arity = ArgumentArity.ZeroOrOne };
        var vars = VarOption();
        var varsFile = new Option<string?>("--vars-file") { Description = "A JSON object of launch variables (--var wins)", HelpName = "FILE" };
        var detach = new Option<bool>("--detach", "-d") { Description = "Start the job and print its id without waiting" };
        var idempotencyKey = new Option<string?>("--idempotency-key") { Description = "Repeating a run with the same key returns the same job", HelpName = "KEY" };
        var command = new Command("run", "Runs a workflow: live progress while it runs (blocks, streamed model text), the result at the end.\n"
            + "Exit code 0 when the job succeeds, 1 when it fails or is cancelled.\n"
            + "e.g.  workflows run blog --var topic=otters")
        {
            app, workflow, vars, varsFile, detach, idempotencyKey,
        };
        ServerAction.Set(command, async (parsed, connection, output, cancellationToken) =>
        {
            var request = new RunRequest
            {
                AppId = parsed.GetRequiredValue(app),
                Workflow = parsed.GetValue(workflow) ?? "",
                Variables = Variables.Parse(parsed.GetValue(vars), parsed.GetValue(varsFile)),
                IdempotencyKey = parsed.GetValue(idempotencyKey) ?? "",
                Wait = Duration.FromTimeSpan(TimeSpan.Zero),
            };
            var started = await connection.Client.RunAsync(request, cancellationToken: cancellationToken);
            if (parsed.GetValue(detach))
            {
                if (output.Json)
                {
                    output.WriteJson(started);
                }
                else
                {
                    output.Writer.WriteLine(started.Job.Id);
                }

                return ExitCodes.Success;
            }

            var progress = new JobProgress(output);
            var terminal = await progress.FollowAsync(connection.Client, started.Job.Id, 0, cancellationToken);
            progress.ShowOutcome(terminal);
            return JobProgress.ExitCodeOf(terminal);
        });
        return command;
    }

    /// <summary><c>--var name=value</c>, repeatable.</summary>
    public static Option<string[]> VarOption() => new("--var")
    {
        Description = "A launch variable: name=text, or name:=JSON for numbers, booleans, objects and lists (repeatable)",
        HelpName = "NAME=VALUE",
        AllowMultipleArgumentsPerToken = false,
    };
}
