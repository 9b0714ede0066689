using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Workflows.Cli.Client;
using Workflows.Contracts.V1;

namespace Workflows.Cli.Commands;

/// <summary><c>workflows token revoke --id ID [--expires-at TIME]</c>: revokes a token over gRPC (RevokeToken, admin).</summary>
internal static class TokenRevokeCommand
{
    public static Command Create()
    {
        var id = new Option<string>("--id")
        {
            Description = "The token's id (its jti; CreateToken returns it as token_id)",
            HelpName = "ID",
            Required = true,
        };
        var expiresAt = new Option<DateTimeOffset?>("--expires-at")
        {
            Description = "When the token expires anyway (ISO 8601, e.g. 2027-01-31T12:00:00Z); the revocation is forgotten then "
                + "[default: kept for the server's Workflows:Auth:MaxTokenLifetime]",
            HelpName = "TIME",
            CustomParser = ParseTime,
        };
        var command = new Command("revoke", "Revokes a token of your organisation (needs an admin token): every call with it is refused "
            + "from now on, on every node within Workflows:Auth:RevocationRefreshInterval.\n"
            + "e.g.  workflows token revoke --id 5f0c3f0e9b6a4f6e8f1d2c3b4a596877")
        {
            id, expiresAt,
        };
        ServerAction.Set(command, async (parsed, connection, output, cancellationToken) =>
        {
            var request = new RevokeTokenRequest { TokenId = parsed.GetRequiredValue(id) };
            if (parsed.GetValue(expiresAt) is { } time)
            {
                request.ExpireTime = Timestamp.FromDateTimeOffset(time);
            }

            var response = await connection.Client.RevokeTokenAsync(request, cancellationToken: cancellationToken);
            if (output.Json)
            {
                output.WriteJson(response);
            }
            else
            {
                output.Writer.WriteLine(response.NewlyRevoked
                    ? $"revoked {response.TokenId}"
                    : $"{response.TokenId} was revoked already");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static DateTimeOffset? ParseTime(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            result.AddError($"--expires-at must be an ISO 8601 time such as 2027-01-31T12:00:00Z, got '{text}'");
            return null;
        }

        return time;
    }
}
