using System.CommandLine;
using Workflows.Cli.Client;
using Workflows.Contracts.V1;

namespace Workflows.Cli.Commands;

/// <summary><c>workflows login --server URL --token TOKEN</c>: checks the pair against the server, then saves it.</summary>
internal static class LoginCommand
{
    public static Command Create()
    {
        var command = new Command("login", "Checks --server and --token against the server (Load) and saves both to the profile file,\n"
            + $"so later commands need neither (${Profile.PathVariable}, else ~/.config/workflows/profile.json; mode 600).\n"
            + "e.g.  workflows login --server http://127.0.0.1:8081 --token \"$(cat data/dev-token)\"");
        ServerAction.Set(command, async (parsed, connection, output, cancellationToken) =>
        {
            var token = parsed.GetValue(GlobalOptions.Token) ?? Environment.GetEnvironmentVariable(GlobalOptions.TokenVariable);
            if (string.IsNullOrWhiteSpace(token))
            {
                throw new CliException(ExitCodes.Usage, $"login needs --token (or ${GlobalOptions.TokenVariable})");
            }

            var load = await connection.Client.LoadAsync(new LoadRequest(), cancellationToken: cancellationToken);
            new Profile(connection.Server, token).Save();
            if (output.Json)
            {
                output.WriteJson(load.Organization);
            }
            else
            {
                output.Writer.WriteLine($"signed in to {connection.Server} as organisation {load.Organization.Id} ({load.Organization.Name}); saved to {Profile.FilePath()}");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
