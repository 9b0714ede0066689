using System.CommandLine;

namespace Workflows.Cli.Commands;

/// <summary><c>workflows help [command]</c>: the same text as <c>--help</c>, kept because the old CLI accepted it.</summary>
internal static class HelpCommand
{
    public static Command Create(RootCommand root)
    {
        var name = new Argument<string?>("command") { Description = "Command to describe", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("help", "Shows help for the command line or one command (same as --help).") { name };
        command.SetAction(parsed =>
        {
            var wanted = parsed.GetValue(name);
            var target = wanted is null ? root : root.Subcommands.FirstOrDefault(c => c.Name == wanted);
            if (target is null)
            {
                // Same shape as a parse error, so scripts see one rule: usage errors exit 2.
                parsed.InvocationConfiguration.Error.WriteLine($"error: unknown command '{wanted}'");
                parsed.InvocationConfiguration.Error.WriteLine();
                CliApp.WriteHelp(root, parsed.InvocationConfiguration.Error);
                return CliApp.UsageExitCode;
            }

            CliApp.WriteHelp(target, parsed.InvocationConfiguration.Output);
            return 0;
        });
        return command;
    }
}
