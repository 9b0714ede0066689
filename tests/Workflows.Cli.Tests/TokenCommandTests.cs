using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Workflows.Cli;
using Workflows.Security;

namespace Workflows.Cli.Tests;

public sealed class TokenCommandTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("wf-cli-").FullName;

    [Fact]
    public async Task Token_ExecWithRecipe_PrintsOnlyAValidTokenWithScopes()
    {
        var (code, output, error) = await RunAsync("token", "exec", "Workflow", "3600000", "blog", "digest", "--data-dir", _dataDir);

        Assert.Equal(0, code);
        Assert.Equal("", error);
        var token = output.Trim();
        Assert.DoesNotContain('\n', token);
        var claims = await ValidateAsync(token);
        Assert.Equal("default", claims.GetClaim(TokenClaims.Organization).Value);
        Assert.Equal("exec", claims.GetClaim(TokenClaims.Action).Value);
        Assert.Equal("Workflow", claims.GetClaim(TokenClaims.Subject).Value);
        Assert.Equal(["blog", "digest"], claims.Claims.Where(c => c.Type == TokenClaims.Recipes).Select(c => c.Value));
        var lifetime = claims.ValidTo - claims.ValidFrom;
        Assert.InRange(lifetime.TotalMilliseconds, 3_599_000, 3_601_000);
    }

    [Fact]
    public async Task Token_OrgOption_SetsOrganization()
    {
        var (code, output, _) = await RunAsync("token", "admin", "Workflow", "60000", "--org", "acme", "--data-dir", _dataDir);

        Assert.Equal(0, code);
        var claims = await ValidateAsync(output.Trim());
        Assert.Equal("acme", claims.GetClaim(TokenClaims.Organization).Value);
        Assert.DoesNotContain(claims.Claims, c => c.Type == TokenClaims.Recipes);
    }

    [Fact]
    public async Task Token_SameDataDirTwice_UsesTheSameKey()
    {
        var first = await RunAsync("token", "exec", "Workflow", "60000", "--data-dir", _dataDir);
        var second = await RunAsync("token", "exec", "Workflow", "60000", "--data-dir", _dataDir);

        await ValidateAsync(first.Output.Trim());
        await ValidateAsync(second.Output.Trim());
    }

    [Theory]
    [InlineData("token")]
    [InlineData("token", "exec", "Workflow")]
    [InlineData("token", "exec", "Workflow", "soon")]
    [InlineData("token", "exec", "Workflow", "-5")]
    [InlineData("token", "exec", "Workflow", "1000", "--colour", "red")]
    [InlineData("token", "exec", "Workflow", "1000", "--org")]
    [InlineData("frobnicate")]
    public async Task Token_BadUsage_ExitsTwoWithUsage(params string[] args)
    {
        var (code, output, error) = await RunAsync([.. args, "--data-dir", _dataDir]);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains("Usage:", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--colour", "unknown option '--colour'")]
    [InlineData("--org", "--org needs a value")]
    public async Task Token_BadOption_ErrorNamesTheOption(string option, string expected)
    {
        var (code, output, error) = await RunAsync("token", "exec", "Workflow", "1000", option, "--data-dir", _dataDir);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith($"error: {expected}", error, StringComparison.Ordinal);
        Assert.Contains("workflows token <action> <subject> <expires_in_ms>", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("+5")]
    [InlineData("0")]
    public async Task Token_BadExpiry_ErrorNamesTheArgument(string expiresInMs)
    {
        var (code, _, error) = await RunAsync("token", "exec", "Workflow", expiresInMs, "--data-dir", _dataDir);

        Assert.Equal(2, code);
        Assert.StartsWith($"error: expires_in_ms must be a positive whole number of milliseconds, got '{expiresInMs}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_BeyondMaxLifetime_ExitsTwo()
    {
        var tooLong = ((long)TokenIssuer.MaxLifetime.TotalMilliseconds + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (code, _, error) = await RunAsync("token", "exec", "Workflow", tooLong, "--data-dir", _dataDir);

        Assert.Equal(2, code);
        Assert.Contains("expires_in_ms must be at most", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_OrgWithEqualsSign_SetsOrganization()
    {
        var (code, output, _) = await RunAsync("token", "admin", "Workflow", "60000", "--org=acme", "--data-dir", _dataDir);

        Assert.Equal(0, code);
        Assert.Equal("acme", (await ValidateAsync(output.Trim())).GetClaim(TokenClaims.Organization).Value);
    }

    [Fact]
    public async Task Token_UnknownAction_ExitsOneWithReason()
    {
        var (code, _, error) = await RunAsync("token", "delete", "Workflow", "1000", "--data-dir", _dataDir);

        Assert.Equal(1, code);
        Assert.Contains("action must be", error, StringComparison.Ordinal);
    }

    private async Task<JsonWebToken> ValidateAsync(string token)
    {
        var key = SigningKeys.LoadOrCreate(_dataDir, null);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = TokenClaims.Issuer,
            ValidAudience = TokenClaims.Audience,
            IssuerSigningKey = new SymmetricSecurityKey(key),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        return (JsonWebToken)result.SecurityToken;
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);
}
