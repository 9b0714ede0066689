using System.Globalization;
using Workflows.Security;

namespace Workflows.Cli;

/// <summary>The <c>workflows</c> command line: dispatches to a command and turns usage errors into exit code 2.</summary>
public static class CliApp
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        usage: workflows <command> [options]

        commands:
          token <action> <subject> <expires_in_ms> [recipe_id ...] [--org ID] [--data-dir DIR]
              Mints a bearer token with the signing key in the data dir and prints only the token.
              action: exec (run recipes, read their jobs) or admin (everything in the organisation).
              e.g.  workflows token exec Workflow 3600000 blog
          webhook-secret [rotate] [--org ID] [--data-dir DIR]
              Prints the organisation's callback signing secret (Standard Webhooks form, whsec_...).
              With `rotate`, makes a new one; the old one stays valid for 24 hours.

        options:
          --org ID          organisation (default: default)
          --data-dir DIR    the server's data dir (default: $WORKFLOWS_DATA_DIR, else ./data)
        The signing key is read from $Workflows__Auth__SigningKey when set, as the server does.
        """;

    /// <summary>Runs the command line; returns the process exit code.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            var parsed = CliArguments.Parse(args);
            return Task.FromResult(parsed.Command switch
            {
                "token" => Token(parsed, output),
                "webhook-secret" => WebhookSecret(parsed, output),
                "help" or "--help" or "-h" => Help(output),
                _ => throw new CliUsageException($"unknown command '{parsed.Command}'"),
            });
        }
        catch (CliUsageException ex)
        {
            error.WriteLine($"error: {ex.Message}");
            error.WriteLine();
            error.WriteLine(Usage);
            return Task.FromResult(2);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {ex.Message}");
            return Task.FromResult(1);
        }
    }

    private static int Help(TextWriter output)
    {
        output.WriteLine(Usage);
        return 0;
    }

    private static int WebhookSecret(CliArguments parsed, TextWriter output)
    {
        var rotate = parsed.Positional is ["rotate"];
        if (parsed.Positional.Count > 0 && !rotate)
        {
            throw new CliUsageException($"webhook-secret takes only 'rotate', got '{string.Join(' ', parsed.Positional)}'");
        }

        var secrets = new WebhookSecrets(DataDir(parsed), TimeProvider.System);
        var organization = parsed.Option("org") ?? "default";
        output.WriteLine(rotate ? secrets.Rotate(organization, TimeSpan.FromHours(24)) : secrets.Current(organization));
        return 0;
    }

    private static string DataDir(CliArguments parsed) =>
        Path.GetFullPath(parsed.Option("data-dir") ?? Environment.GetEnvironmentVariable("WORKFLOWS_DATA_DIR") ?? "data");

    private static int Token(CliArguments parsed, TextWriter output)
    {
        if (parsed.Positional.Count < 3)
        {
            throw new CliUsageException("token needs <action> <subject> <expires_in_ms>");
        }

        if (!long.TryParse(parsed.Positional[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expiresInMs) || expiresInMs <= 0)
        {
            throw new CliUsageException($"expires_in_ms must be a positive whole number of milliseconds, got '{parsed.Positional[2]}'");
        }

        if (expiresInMs > (long)TokenIssuer.MaxLifetime.TotalMilliseconds)
        {
            throw new CliUsageException($"expires_in_ms must be at most {(long)TokenIssuer.MaxLifetime.TotalMilliseconds}");
        }

        var key = SigningKeys.LoadOrCreate(DataDir(parsed), Environment.GetEnvironmentVariable("Workflows__Auth__SigningKey"));
        var issuer = new TokenIssuer(key, TimeProvider.System);
        var token = issuer.Create(
            parsed.Option("org") ?? "default",
            parsed.Positional[0],
            parsed.Positional[1],
            TimeSpan.FromMilliseconds(expiresInMs),
            parsed.Positional.Skip(3).ToArray());
        output.WriteLine(token.Token);
        return 0;
    }
}
