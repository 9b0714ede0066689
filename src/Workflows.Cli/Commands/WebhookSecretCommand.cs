using System.CommandLine;
using Workflows.Security;

namespace Workflows.Cli.Commands;

/// <summary><c>workflows webhook-secret [rotate]</c>: prints, or replaces, the organisation's callback signing secret
/// (Standard Webhooks form, <c>whsec_...</c>).</summary>
internal static class WebhookSecretCommand
{
    /// <summary>How long the secret a rotation replaces still signs, so receivers can switch over.</summary>
    public static readonly TimeSpan RotationOverlap = TimeSpan.FromHours(24);

    public static Command Create()
    {
        // Recursive: `webhook-secret --org acme rotate` and `webhook-secret rotate --org acme` both work.
        var organization = CommonOptions.Organization();
        var dataDir = CommonOptions.DataDir();
        var connectionString = SecretSource.ConnectionString();
        var provider = SecretSource.Provider();

        var rotate = new Command("rotate", "Makes a new secret and prints it; the old one stays valid for 24 hours.");
        rotate.SetAction(async (parsed, cancellationToken) =>
        {
            await using var source = await SecretSource.OpenAsync(parsed, dataDir, connectionString, provider, cancellationToken);
            var secrets = new WebhookSecrets(source.Store, TimeProvider.System, source.ImportFrom);
            parsed.InvocationConfiguration.Output.WriteLine(
                await secrets.RotateAsync(parsed.GetRequiredValue(organization), RotationOverlap, cancellationToken));
            return 0;
        });

        var command = new Command(
            "webhook-secret",
            "Prints the organisation's callback signing secret (Standard Webhooks form, whsec_...), from the server's database\n"
            + "(--connection-string), else its data dir.")
        {
            organization, dataDir, connectionString, provider, rotate,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var source = await SecretSource.OpenAsync(parsed, dataDir, connectionString, provider, cancellationToken);
            var secrets = new WebhookSecrets(source.Store, TimeProvider.System, source.ImportFrom);
            parsed.InvocationConfiguration.Output.WriteLine(await secrets.CurrentAsync(parsed.GetRequiredValue(organization), cancellationToken));
            return 0;
        });
        return command;
    }
}
