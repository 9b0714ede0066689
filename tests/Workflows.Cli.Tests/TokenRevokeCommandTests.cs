using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Workflows.Cli.Tests.Fixtures;
using Workflows.Security;

namespace Workflows.Cli.Tests;

/// <summary><c>workflows token revoke --id ID</c> as a process against a real server, and the offline generator
/// honouring the server's <c>Workflows__Auth__MaxTokenLifetime</c>.</summary>
[Collection(CliServerCollection.Name)]
public sealed class TokenRevokeCommandTests(CliServer server)
{
    private string Mint(string action = TokenClaims.ExecAction) =>
        new TokenIssuer(SigningKeys.LoadOrCreate(server.DataDir, null), TimeProvider.System)
            .Create("default", action, "cli-revoke", TimeSpan.FromHours(1), []).Token;

    [Fact]
    public async Task Revoke_ById_TheTokenIsRefusedFromThenOn_SecondRevokeSaysSo()
    {
        var token = Mint();
        var id = new JsonWebToken(token).Id;
        var before = await CliProcess.RunAsync(server.Environment(token), "apps", "list");
        Assert.True(before.Code == 0, before.ToString());

        var revoke = await server.RunAsync("token", "revoke", "--id", id);

        Assert.True(revoke.Code == 0, revoke.ToString());
        Assert.Equal($"revoked {id}", revoke.Output.Trim());
        var after = await CliProcess.RunAsync(server.Environment(token), "apps", "list");
        Assert.True(after.Code == 3, after.ToString());
        Assert.Contains("the token has been revoked", after.Error, StringComparison.Ordinal);

        var again = await server.RunAsync("token", "revoke", "--id", id, "-o", "json");
        Assert.True(again.Code == 0, again.ToString());
        var json = JsonDocument.Parse(again.Output).RootElement;
        Assert.Equal(id, json.GetProperty("tokenId").GetString());
        Assert.False(json.TryGetProperty("newlyRevoked", out var flag) && flag.GetBoolean());
    }

    [Fact]
    public async Task Revoke_WithExpiry_EchoesIt()
    {
        var id = new JsonWebToken(Mint()).Id;

        var revoke = await server.RunAsync("token", "revoke", "--id", id, "--expires-at", "2099-01-31T12:00:00Z", "-o", "json");

        Assert.True(revoke.Code == 0, revoke.ToString());
        // The token's expiry plus the 30 s of clock skew its validation allows.
        Assert.Equal("2099-01-31T12:00:30Z", JsonDocument.Parse(revoke.Output).RootElement.GetProperty("expireTime").GetString());
    }

    [Fact]
    public async Task Revoke_ExecToken_PermissionDeniedExit3()
    {
        var result = await CliProcess.RunAsync(server.Environment(server.ExecToken), "token", "revoke", "--id", "whatever");

        Assert.True(result.Code == 3, result.ToString());
        Assert.Contains("admin", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("token", "revoke")]
    [InlineData("token", "revoke", "--id", "x", "--expires-at", "tomorrow")]
    public async Task Revoke_BadUsage_Exit2(params string[] args)
    {
        var result = await server.RunAsync(args);

        Assert.True(result.Code == 2, result.ToString());
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mint_ServerMaxLifetimeSet_RefusesLongerTokens_AcceptsShorter()
    {
        var environment = new Dictionary<string, string?>(server.Environment()) { ["Workflows__Auth__MaxTokenLifetime"] = "01:00:00" };

        var refused = await CliProcess.RunAsync(environment, "token", "exec", "Workflow", "3600001", "--data-dir", server.DataDir);
        var minted = await CliProcess.RunAsync(environment, "token", "exec", "Workflow", "3600000", "--data-dir", server.DataDir);

        Assert.True(refused.Code == 2, refused.ToString());
        Assert.Contains("expires_in_ms must be at most 3600000", refused.Error, StringComparison.Ordinal);
        Assert.Equal("", refused.Output);
        Assert.True(minted.Code == 0, minted.ToString());
    }
}
