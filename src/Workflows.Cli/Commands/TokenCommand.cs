using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Workflows.Cli.Client;
using Workflows.Security;

namespace Workflows.Cli.Commands;

/// <summary><c>workflows token &lt;action&gt; &lt;subject&gt; &lt;expires_in_ms&gt; [recipe_id ...]</c>: mints a bearer
/// token with the server's signing key, from its database or data dir (same syntax as the documented generator) and prints only the token.</summary>
internal static class TokenCommand
{
    /// <summary>Signing key from configuration, as the server reads it; wins over the key file.</summary>
    public const string SigningKeyVariable = "Workflows__Auth__SigningKey";

    /// <summary>The server's longest token lifetime, read as the server reads it when set: longer tokens are not minted.</summary>
    public const string MaxLifetimeVariable = "Workflows__Auth__MaxTokenLifetime";

    public static Command Create()
    {
        // The issuer checks the action (exit 1 with its reason), so an unknown one is not a usage error.
        var action = new Argument<string>("action")
        {
            Description = $"'{TokenClaims.ExecAction}' (run recipes, read their jobs) or '{TokenClaims.AdminAction}' (everything in the organisation)",
        };
        var subject = new Argument<string>("subject") { Description = "Who the token is for (the `sub` claim), e.g. Workflow" };
        var expiresInMs = new Argument<long>("expires_in_ms")
        {
            Description = $"Lifetime in milliseconds, 1 to {MaxLifetimeMs}",
            CustomParser = ParseExpiresInMs,
        };
        var recipes = CommonOptions.RefuseOptionAsValue(new Argument<string[]>("recipe_id")
        {
            Description = "Recipes an exec token may run (none: all)",
            Arity = ArgumentArity.ZeroOrMore,
        });
        var organization = CommonOptions.Organization();
        var dataDir = CommonOptions.DataDir();
        var connectionString = SecretSource.ConnectionString();
        var provider = SecretSource.Provider();

        var command = new Command("token", "Mints a bearer token with the server's signing key and prints only the token.\n"
            + "The key is the one in the server's database (--connection-string), else in the data dir; it is read from\n"
            + $"${SigningKeyVariable} when set, as the server does; so is the longest lifetime the server accepts,\n"
            + $"${MaxLifetimeVariable} (e.g. 30.00:00:00).\n"
            + "e.g.  workflows token exec Workflow 3600000 blog\n"
            + "      workflows token admin ops 3600000 --connection-string \"Host=db;Username=workflows;Password=...\"\n"
            + "      workflows token revoke --id ID   (over gRPC: revokes a token)")
        {
            action, subject, expiresInMs, recipes, organization, dataDir, connectionString, provider, TokenRevokeCommand.Create(),
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            CheckServerMaxLifetime(TimeSpan.FromMilliseconds(parsed.GetValue(expiresInMs)));
            byte[] key;
            var configured = Environment.GetEnvironmentVariable(SigningKeyVariable);
            await using (var secrets = await SecretSource.OpenAsync(parsed, dataDir, connectionString, provider, cancellationToken))
            {
                key = await SigningKeys.LoadOrCreateAsync(secrets.Store, configured, secrets.ImportFrom, TimeProvider.System, cancellationToken);
            }

            var token = new TokenIssuer(key, TimeProvider.System).Create(
                parsed.GetRequiredValue(organization),
                parsed.GetRequiredValue(action),
                parsed.GetRequiredValue(subject),
                TimeSpan.FromMilliseconds(parsed.GetValue(expiresInMs)),
                parsed.GetValue(recipes) ?? []);
            parsed.InvocationConfiguration.Output.WriteLine(token.Token);
            return 0;
        });
        return command;
    }

    // The server refuses a token that lives longer than its Workflows:Auth:MaxTokenLifetime; minting one would be a trap.
    private static void CheckServerMaxLifetime(TimeSpan lifetime)
    {
        if (Environment.GetEnvironmentVariable(MaxLifetimeVariable) is not { Length: > 0 } text)
        {
            return;
        }

        if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var max) || max <= TimeSpan.Zero)
        {
            throw new CliException(ExitCodes.Usage, $"${MaxLifetimeVariable} must be a positive duration such as 30.00:00:00, got '{text}'");
        }

        if (lifetime > max)
        {
            throw new CliException(
                ExitCodes.Usage,
                $"expires_in_ms must be at most {(long)max.TotalMilliseconds}: the server accepts no longer lifetime (${MaxLifetimeVariable} is {text})");
        }
    }

    private static long MaxLifetimeMs => (long)TokenIssuer.MaxLifetime.TotalMilliseconds;

    // NumberStyles.None: no sign, no spaces, no separators; "-5" and "+5" are refused like "soon".
    private static long ParseExpiresInMs(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms <= 0)
        {
            result.AddError($"expires_in_ms must be a positive whole number of milliseconds, got '{text}'");
            return 0;
        }

        if (ms > MaxLifetimeMs)
        {
            result.AddError($"expires_in_ms must be at most {MaxLifetimeMs}");
            return 0;
        }

        return ms;
    }
}
