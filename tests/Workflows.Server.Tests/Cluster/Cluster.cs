using System.Security.Cryptography;
using Grpc.Core;
using Workflows.Security;
using Workflows.Server.Tests.Infrastructure;
using Workflows.Storage.Testing.Postgres;

namespace Workflows.Server.Tests.Cluster;

/// <summary>
/// Several real server processes on one throwaway PostgreSQL database, sharing an apps dir and a data dir, or (share
/// nothing) each with its own empty data dir and no configured signing key, so keys, webhook secrets and files come
/// from the database alone. Short leases so a dead node's jobs move quickly.
/// </summary>
public sealed class Cluster : IAsyncDisposable
{
    private readonly List<ServerProcess> _nodes = [];
    private bool _shareNothing;

    private Cluster(string root, IReadOnlyDictionary<string, string> settings, byte[] key)
    {
        Root = root;
        Settings = settings;
        Token = new TokenIssuer(key, TimeProvider.System)
            .Create("default", TokenClaims.AdminAction, "Workflow", TimeSpan.FromHours(1), []).Token;
        Auth = ServerFixture.Bearer(Token);
        OtherOrganization = ServerFixture.Bearer(new TokenIssuer(key, TimeProvider.System)
            .Create("acme", TokenClaims.AdminAction, "Workflow", TimeSpan.FromHours(1), []).Token);
    }

    /// <summary>The shared folder with data/ and apps/.</summary>
    public string Root { get; }

    /// <summary>The database's name.</summary>
    public string Database => new Npgsql.NpgsqlConnectionStringBuilder(Settings["Workflows:Storage:ConnectionString"]).Database!;

    /// <summary>The settings every node gets.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>An admin token of organisation <c>default</c>, valid on every node.</summary>
    public Metadata Auth { get; }

    /// <summary>The same token as <see cref="Auth"/>, for the REST paths.</summary>
    public string Token { get; }

    /// <summary>An admin token of organisation <c>acme</c>.</summary>
    public Metadata OtherOrganization { get; }

    /// <summary>The shared data dir.</summary>
    public string DataDir => Path.Combine(Root, "data");

    /// <summary>
    /// Writes the apps and starts <paramref name="nodes"/> processes on a fresh database (on <paramref name="server"/>, else
    /// the shared one); each is ready when this returns. <paramref name="settings"/> override the defaults.
    /// </summary>
    public static async Task<Cluster> StartAsync(
        int nodes, IReadOnlyDictionary<string, string> apps, CancellationToken cancellationToken,
        PostgresServer? server = null, IReadOnlyDictionary<string, string>? settings = null, bool shareNothing = false)
    {
        var connectionString = await (server ?? await PostgresServer.GetAsync()).CreateDatabaseAsync();
        var root = Path.Combine(Path.GetTempPath(), "wf-cluster-" + Guid.NewGuid().ToString("N"));
        foreach (var (id, flow) in apps)
        {
            var dir = Path.Combine(root, "apps", id);
            Directory.CreateDirectory(dir);
            await File.WriteAllTextAsync(Path.Combine(dir, "app.yaml"), $"id: {id}\nname: {id}\ndescription: A cluster test app.\n", cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(dir, "main.flow"), flow, cancellationToken);
        }

        var key = RandomNumberGenerator.GetBytes(32);
        var all = new Dictionary<string, string>
        {
            ["Workflows:Storage:Provider"] = "Postgres",
            ["Workflows:Storage:ConnectionString"] = connectionString,
            ["Workflows:DataDir"] = Path.Combine(root, "data"),
            ["Workflows:AppsDir"] = Path.Combine(root, "apps"),
            ["Workflows:Auth:SigningKey"] = Convert.ToBase64String(key),
            ["Workflows:Limits:MaxConcurrentJobs"] = "0",
            ["Workflows:Limits:RequestsPerSecond"] = "0",
            ["Workflows:Node:LeaseDuration"] = "00:00:04",
            ["Workflows:Node:HeartbeatInterval"] = "00:00:00.500",
            ["Workflows:Outbound:Allow:0"] = "127.0.0.1",
            ["Workflows:Delivery:InitialBackoff"] = "00:00:00.200",
            ["Workflows:Delivery:MaxBackoff"] = "00:00:01",
            ["Workflows:Delivery:AttemptTimeout"] = "00:00:02",
            ["Workflows:Delivery:ClaimLease"] = "00:00:04",
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            all[name] = value;
        }

        if (shareNothing)
        {
            // Each node generates or reads the key in the database; Token and Auth are then not valid anywhere.
            all.Remove("Workflows:Auth:SigningKey");
        }

        var cluster = new Cluster(root, all, key) { _shareNothing = shareNothing };
        try
        {
            for (var i = 0; i < nodes; i++)
            {
                await cluster.AddNodeAsync(cancellationToken);
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>The nodes started so far, in order.</summary>
    public IReadOnlyList<ServerProcess> Nodes => _nodes;

    /// <summary>Starts one more node and waits until it is ready.</summary>
    public async Task<ServerProcess> AddNodeAsync(CancellationToken cancellationToken)
    {
        var work = Path.Combine(Root, "node-" + _nodes.Count);
        Directory.CreateDirectory(work);
        var settings = new Dictionary<string, string>(Settings) { ["Workflows:Node:Id"] = "node-" + _nodes.Count };
        if (_shareNothing)
        {
            settings["Workflows:DataDir"] = Path.Combine(work, "data");
        }

        var node = ServerProcess.Start(work, settings);
        _nodes.Add(node);
        await node.WaitUntilReadyAsync(cancellationToken);
        return node;
    }

    /// <summary>The database's connection string.</summary>
    public string ConnectionString => Settings["Workflows:Storage:ConnectionString"];

    /// <summary>The organisation's webhook secret as the nodes keep it: in the database.</summary>
    public async Task<string> WebhookSecretAsync(string organizationId)
    {
        await using var store = new Storage.Postgres.PostgresStore(new Storage.Postgres.PostgresStoreOptions { ConnectionString = ConnectionString });
        await store.InitializeAsync(CancellationToken.None);
        return await new WebhookSecrets(store, TimeProvider.System).CurrentAsync(organizationId, CancellationToken.None);
    }

    /// <summary>An HTTP client for a node's REST port, sending <see cref="Token"/>.</summary>
    public HttpClient Rest(ServerProcess node)
    {
        var http = new HttpClient { BaseAddress = new Uri(node.RestUrl) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        return http;
    }

    /// <summary>Every node's recent output, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _nodes.Select((n, i) => $"--- node-{i} ---{Environment.NewLine}{n.RecentOutput}"));

    public ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS's temp cleanup.
        }

        return ValueTask.CompletedTask;
    }
}
