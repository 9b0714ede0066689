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

        var rotate = new Command("rotate", "Makes a new secret and prints it; the old one stays valid for 24 hours.");
        rotate.SetAction(parsed =>
        {
            var secrets = new WebhookSecrets(CommonOptions.ResolveDataDir(parsed, dataDir), TimeProvider.System);
            parsed.InvocationConfiguration.Output.WriteLine(secrets.Rotate(parsed.GetRequiredValue(organization), RotationOverlap));
            return 0;
        });

        var command = new Command("webhook-secret", "Prints the organisation's callback signing secret (Standard Webhooks form, whsec_...).")
        {
            organization, dataDir, rotate,
        };
        command.SetAction(parsed =>
        {
            var secrets = new WebhookSecrets(CommonOptions.ResolveDataDir(parsed, dataDir), TimeProvider.System);
            parsed.InvocationConfiguration.Output.WriteLine(secrets.Current(parsed.GetRequiredValue(organization)));
            return 0;
        });
        return command;
    }
}
