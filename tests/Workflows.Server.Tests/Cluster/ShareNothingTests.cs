using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Workflows.Cli;
using Workflows.Contracts.V1;
using Workflows.Security;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Cluster;

/// <summary>
/// Two PostgreSQL nodes that share nothing but the database: each has its own empty data dir and no configured signing
/// key, yet a token minted by the command line from the connection string, or through one node, is accepted by the
/// other; a file stored through one downloads through the other; and the webhook secret the command line reads from the
/// database signs the callbacks whichever node delivers them.
/// </summary>
public sealed class ShareNothingTests
{
    private static readonly Dictionary<string, string> Apps = new()
    {
        ["files"] = """
            name: Echo files
            launchVariables:
              image: { type: image, description: One picture }
            blocks:
              - { id: out, type: output, variables: { photo: "{{$launchVariables->image}}" } }
            """,
        ["quick"] = """
            name: Quick
            blocks:
              - { id: out, type: output, value: "quick" }
            """,
    };

    [PostgresFact]
    public async Task TwoNodesWithEmptyDataDirs_ServeEachOthersTokensFilesAndWebhookSecrets()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var cluster = await Cluster.StartAsync(2, Apps, limit.Token, shareNothing: true);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);

        // A token from the command line, with nothing but the connection string: accepted by both nodes.
        var admin = await CliAsync("token", "admin", "ops", "3600000", "--connection-string", cluster.ConnectionString);
        foreach (var node in cluster.Nodes)
        {
            using var http = Rest(node, admin);
            using var apps = await http.GetAsync(new Uri("/v1/apps", UriKind.Relative), limit.Token);
            Assert.True(apps.StatusCode == HttpStatusCode.OK, $"{node.RestUrl}: {apps.StatusCode} {await apps.Content.ReadAsStringAsync(limit.Token)}");
        }

        // A token minted through node A: accepted by node B.
        var minted = await a.Client.CreateTokenAsync(
            new CreateTokenRequest { Action = TokenClaims.ExecAction, Subject = "Workflow", ExpiresInMs = 3_600_000 },
            ServerFixture.Bearer(admin), Deadline(), limit.Token);
        var run = await b.Client.RunAsync(new RunRequest { AppId = "quick" }, ServerFixture.Bearer(minted.Token), Deadline(), limit.Token);
        Assert.Equal(JobState.Succeeded, run.Job.State);
        Assert.Equal("quick", run.Job.Result.StringValue);

        // A file stored through node A: downloaded through node B, with the token and with a link node A signed.
        var png = RandomNumberGenerator.GetBytes(700 * 1024);
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(png, 0);
        using var onA = Rest(a, minted.Token);
        var stored = await onA.PostJsonAsync("/developer/v2/apps/run", new JsonObject
        {
            ["appId"] = "files",
            ["variables"] = new JsonObject { ["image"] = "data:image/png;base64," + Convert.ToBase64String(png) },
        });
        Assert.True(stored.Status == HttpStatusCode.OK, stored.ToString());
        var fid = stored.Json["result"]!["photo"]!["fid"]!.GetValue<string>();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(png)), fid);

        using var onB = Rest(b, minted.Token);
        Assert.Equal(png, await onB.GetByteArrayAsync(new Uri($"/v1/files/{fid}", UriKind.Relative), limit.Token));
        var link = JsonNode.Parse(await onA.GetStringAsync(new Uri($"/v1/files/{fid}/link", UriKind.Relative), limit.Token))!["url"]!.GetValue<string>();
        using var anonymous = new HttpClient { BaseAddress = new Uri(b.RestUrl) };
        Assert.Equal(png, await anonymous.GetByteArrayAsync(new Uri(new Uri(link).PathAndQuery, UriKind.Relative), limit.Token));

        // The webhook secret the command line reads from the database signs the callbacks either node delivers.
        var secret = await CliAsync("webhook-secret", "--connection-string", cluster.ConnectionString, "--provider", "Postgres");
        await using var receiver = await CallbackReceiver.StartAsync();
        foreach (var (node, n) in new[] { (a, 0), (b, 1) })
        {
            var path = $"/hook/{n}";
            await node.Client.RunAsync(
                new RunRequest { AppId = "quick", CallbackUrl = receiver.Url + path, Wait = Duration.FromTimeSpan(TimeSpan.Zero) },
                ServerFixture.Bearer(admin), Deadline(), limit.Token);
            var callback = await receiver.NextAsync(path, TimeSpan.FromSeconds(30));
            var timestamp = long.Parse(callback.Headers["webhook-timestamp"], CultureInfo.InvariantCulture);
            Assert.True(
                WebhookSignature.Verify(callback.Headers["webhook-id"], timestamp, callback.Body, callback.Headers["webhook-signature"], secret),
                $"the callback of a job run on node {n} is not signed with the database's secret");
        }

        // Nothing of this came from, or went to, the nodes' own data dirs.
        foreach (var n in new[] { 0, 1 })
        {
            var dataDir = Path.Combine(cluster.Root, "node-" + n, "data");
            Assert.False(Directory.Exists(Path.Combine(dataDir, "keys")), $"node {n} wrote keys to its data dir");
            Assert.False(Directory.Exists(Path.Combine(dataDir, "files")), $"node {n} wrote files to its data dir");
        }
    }

    private static async Task<string> CliAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        Assert.True(code == 0, $"workflows {args[0]} exited {code}: {error}");
        return output.ToString().Trim();
    }

    private static HttpClient Rest(ServerProcess node, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(node.RestUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static DateTime Deadline() => DateTime.UtcNow + TimeSpan.FromSeconds(60);
}
