using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Workflows.Cli;
using Workflows.Security;
using Workflows.Storage.Sqlite;

namespace Workflows.Cli.Tests;

/// <summary>
/// <c>token</c> and <c>webhook-secret</c> with the keys from the server's database (<c>--connection-string</c>), and
/// from a data dir whose SQLite database holds them. The PostgreSQL form is run end to end by the cluster tests
/// (<c>ShareNothingTests</c>).
/// </summary>
public sealed class ConnectionStringTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wf-cli-db-").FullName;

    private string DatabasePath => Path.Combine(_dir, "workflows.db");

    [Theory]
    [InlineData("Data Source={0}")]
    [InlineData("{0}")]
    public async Task Token_ConnectionString_SignsWithTheDatabasesKey(string form)
    {
        var (code, output, error) = await RunAsync("token", "admin", "ops", "60000", "--connection-string", string.Format(
            System.Globalization.CultureInfo.InvariantCulture, form, DatabasePath));

        Assert.True(code == 0, error);
        await AssertSignedByDatabaseKeyAsync(output.Trim());
        Assert.False(Directory.Exists(Path.Combine(_dir, "keys")), "the key went to a key file, not the database");
    }

    [Fact]
    public async Task Token_DataDirWithADatabase_UsesItsKeyNotAKeyFile()
    {
        byte[] stored;
        using (var store = new SqliteSecretStore(DatabasePath))
        {
            stored = await SigningKeys.LoadOrCreateAsync(store, null, null, TimeProvider.System, CancellationToken.None);
        }

        var (code, output, error) = await RunAsync("token", "exec", "Workflow", "60000", "--data-dir", _dir);

        Assert.True(code == 0, error);
        await AssertSignedByDatabaseKeyAsync(output.Trim());
        Assert.False(File.Exists(SigningKeys.KeyPath(_dir)));
    }

    [Fact]
    public async Task WebhookSecret_ConnectionString_ReadsAndRotatesTheDatabasesSecret()
    {
        var first = await RunAsync("webhook-secret", "--org", "acme", "--connection-string", $"Data Source={DatabasePath}", "--provider", "sqlite");
        var rotated = await RunAsync("webhook-secret", "rotate", "--org", "acme", "--connection-string", $"Data Source={DatabasePath}");

        Assert.True(first.Code == 0, first.Error);
        Assert.True(rotated.Code == 0, rotated.Error);
        using var store = new SqliteSecretStore(DatabasePath);
        var keys = await new WebhookSecrets(store, TimeProvider.System).SigningKeysAsync("acme", CancellationToken.None);
        Assert.Equal([WebhookSecrets.Decode(rotated.Output.Trim()), WebhookSecrets.Decode(first.Output.Trim())], keys);
    }

    [Theory]
    [InlineData("--provider", "Oracle", "--provider must be Postgres or Sqlite, got 'Oracle'")]
    [InlineData("--provider", "Postgres", "--provider needs --connection-string")]
    [InlineData("--connection-string", "Mode=Memory", "cannot tell the database of --connection-string")]
    public async Task Token_BadDatabaseOptions_UsageErrorNamingTheOption(string option, string value, string message)
    {
        var (code, _, error) = await RunAsync("token", "admin", "ops", "60000", option, value, "--data-dir", _dir);

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_UnreachablePostgres_FailsWithoutPrintingTheConnectionString()
    {
        var (code, output, error) = await RunAsync(
            "token", "admin", "ops", "60000", "--connection-string", "Host=127.0.0.1;Port=1;Username=u;Password=hunter2;Timeout=2");

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("cannot open the PostgreSQL database", error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
    }

    private async Task AssertSignedByDatabaseKeyAsync(string token)
    {
        using var store = new SqliteSecretStore(DatabasePath);
        var key = await SigningKeys.LoadOrCreateAsync(store, null, null, TimeProvider.System, CancellationToken.None);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = TokenClaims.Issuer,
            ValidAudience = TokenClaims.Audience,
            IssuerSigningKey = new SymmetricSecurityKey(key),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    public void Dispose()
    {
        // SQLite's pooled handles are closed with the stores; the WAL files go with the folder.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
