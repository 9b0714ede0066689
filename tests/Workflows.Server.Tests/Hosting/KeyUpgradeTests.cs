using Microsoft.Extensions.DependencyInjection;
using Workflows.Security;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Hosting;

/// <summary>
/// Upgrading a SQLite server whose keys are files in its data dir: the first start imports them into the database, so
/// tokens and webhook secrets handed out before the upgrade keep working.
/// </summary>
public sealed class KeyUpgradeTests
{
    [Fact]
    public async Task Start_KeyFilesInTheDataDir_ImportedIntoTheDatabase()
    {
        var server = ServerFixture.WithSettings(new Dictionary<string, string?>());
        var fileKey = SigningKeys.LoadOrCreate(server.DataDir, null);
        var fileSecret = await new WebhookSecrets(server.DataDir, TimeProvider.System).CurrentAsync("default", CancellationToken.None);
        var oldToken = new TokenIssuer(fileKey, TimeProvider.System).Create("default", TokenClaims.AdminAction, "Workflow", TimeSpan.FromHours(1), []).Token;
        try
        {
            await server.InitializeAsync();

            Assert.Equal(fileKey, server.SigningKey);
            var secrets = server.Services.GetRequiredService<WebhookSecrets>();
            Assert.Equal(fileSecret, await secrets.CurrentAsync("default", CancellationToken.None));
            using var http = server.Rest(oldToken);
            using var apps = await http.GetAsync(new Uri("/v1/apps", UriKind.Relative));
            Assert.Equal(System.Net.HttpStatusCode.OK, apps.StatusCode);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
