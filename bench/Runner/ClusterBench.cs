using System.Globalization;
using System.Text;
using Workflows.Storage.Testing.Postgres;

namespace Bench.Runner;

/// <summary>
/// The Run scenarios on PostgreSQL with 1, 2, 3… nodes (<c>--nodes</c>): a throwaway PostgreSQL (the tests' own
/// starter: <c>initdb</c> + <c>pg_ctl</c>, fsync on), a fresh database per measurement, every node a real server process,
/// the load spread over all of them. On this 2-core machine every node, PostgreSQL and the load generator share the same
/// CPUs, so the figures show the cost of coordination, not the gain of more machines.
/// </summary>
internal static class ClusterBench
{
    private static readonly (string Name, bool Grpc, string Target, string Body)[] Scenarios =
    [
        (Scenario.GrpcRun, true, "grpc-run", ""),
        (Scenario.RestRun, false, "/developer/v2/apps/run", """{"appId":"bench","variables":{"topic":"otters"}}"""),
    ];

    /// <summary>Runs every node count × Run scenario × concurrency; returns the medians and a markdown section.</summary>
    public static async Task<(List<Measurement> Rows, string Markdown)> RunAsync(
        Settings settings, string token, Func<string, IDictionary<string, string>> environment, IReadOnlyList<Measurement> single, List<string> problems)
    {
        var rows = new List<(int Nodes, Measurement M)>();
        PostgresServer postgres;
        try
        {
            postgres = await PostgresServer.GetAsync();
        }
        catch (InvalidOperationException e)
        {
            problems.Add("PostgreSQL: " + e.Message);
            return ([], "");
        }

        Console.Error.WriteLine($"bench: PostgreSQL {postgres.BinDirectory} on port {postgres.Port}; nodes {string.Join('/', settings.Nodes)}");
        foreach (var nodes in settings.Nodes)
        {
            foreach (var concurrency in settings.Concurrency)
            {
                foreach (var (name, grpc, target, body) in Scenarios.Where(s => settings.Includes(s.Name) || settings.Includes("postgres")))
                {
                    var label = $"{name}, PostgreSQL ×{nodes}";
                    var runs = new List<Measurement>();
                    for (var run = 0; run < settings.Runs; run++)
                    {
                        try
                        {
                            runs.Add(await MeasureAsync(settings, postgres, nodes, label, grpc, target, body, concurrency, token, environment));
                            var m = runs[^1];
                            Console.Error.WriteLine($"  {label,-42} c={concurrency,-4} {m.Rps,9:0} req/s  p50 {m.P50Us / 1000,7:0.00} ms  p99 {m.P99Us / 1000,7:0.00} ms  " +
                                $"cpu srv {m.ServerCpuS:0.00} s load {m.LoadCpuS:0.00} s{(m.Errors > 0 ? $"  ERRORS {m.Errors}: {m.FirstError}" : "")}");
                            if (m.Errors > 0)
                            {
                                problems.Add($"{label} c={concurrency}: {m.Errors} failed requests ({m.FirstError})");
                            }
                        }
                        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or Npgsql.NpgsqlException)
                        {
                            problems.Add($"{label} c={concurrency}: {e.Message}");
                            Console.Error.WriteLine($"  {label} c={concurrency}: FAILED: {e.Message}");
                        }
                    }

                    if (runs.Count > 0)
                    {
                        rows.Add((nodes, runs.OrderBy(r => r.Rps).ElementAt(runs.Count / 2)));
                    }
                }
            }
        }

        return ([.. rows.Select(r => r.M)], Markdown(settings, rows, single));
    }

    private static async Task<Measurement> MeasureAsync(
        Settings settings, PostgresServer postgres, int nodes, string label, bool grpc, string target, string body, int concurrency, string token,
        Func<string, IDictionary<string, string>> environment)
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var servers = new List<ServerProcess>();
        try
        {
            for (var i = 0; i < nodes; i++)
            {
                var node = i;
                servers.Add(await ServerProcess.StartAsync(settings.Dll("Workflows.Server"), settings.TempRoot, dir =>
                    new Dictionary<string, string>(environment(dir))
                    {
                        ["Workflows__Storage__Provider"] = "Postgres",
                        ["Workflows__Storage__ConnectionString"] = connectionString,
                        ["Workflows__Node__Id"] = $"bench-{node}",
                    }));
            }

            var m = grpc
                ? await Drivers.GrpcNodesAsync(settings, servers, label, target, concurrency, token)
                : await Drivers.WrkNodesAsync(settings, servers, label, target, body, concurrency, token);
            if (servers.FirstOrDefault(s => s.HasExited) is { } dead)
            {
                throw new InvalidOperationException($"a node died during the run:\n{dead.Tail()}");
            }

            return m;
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            await postgres.ReleaseDatabaseAsync(connectionString);
        }
    }

    private static string Markdown(Settings settings, List<(int Nodes, Measurement M)> rows, IReadOnlyList<Measurement> single)
    {
        if (rows.Count == 0)
        {
            return "";
        }

        var text = new StringBuilder();
        text.AppendLine("## Run on PostgreSQL, several nodes");
        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"Nodes {string.Join('/', settings.Nodes)} on one PostgreSQL, all on this machine's CPUs with the load generator. ");
        text.AppendLine("`× 1 node`: req/s against the same scenario with one PostgreSQL node; `× SQLite`: against the single-node SQLite row of this run.");
        text.AppendLine();
        text.AppendLine("| scenario | nodes | conc | req/s | p50 ms | p99 ms | server CPU s (all nodes) | server µs/req | × 1 node | × SQLite |");
        text.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var (nodes, m) in rows)
        {
            var scenario = m.Scenario[..m.Scenario.IndexOf(", PostgreSQL", StringComparison.Ordinal)];
            var one = rows.FirstOrDefault(r => r.Nodes == 1 && r.M.Scenario.StartsWith(scenario, StringComparison.Ordinal) && r.M.Concurrency == m.Concurrency).M;
            var sqlite = single.FirstOrDefault(s => s.Scenario == scenario && s.Concurrency == m.Concurrency);
            var perNode = one is null ? "–" : (m.Rps / one.Rps).ToString("0.00", CultureInfo.InvariantCulture);
            var perSqlite = sqlite is null ? "–" : (m.Rps / sqlite.Rps).ToString("0.00", CultureInfo.InvariantCulture);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {scenario} | {nodes} | {m.Concurrency} | {m.Rps:0} | {m.P50Us / 1000:0.0} | {m.P99Us / 1000:0.0} | {m.ServerCpuS:0.00} | {m.ServerUsPerRequest:0} | {perNode} | {perSqlite} |");
        }

        return text.ToString();
    }
}
