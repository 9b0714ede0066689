using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;
using Workflows.Storage.Testing.Postgres;
using Xunit.Abstractions;

namespace Workflows.Server.Tests.Cluster;

/// <summary>
/// Real database faults under load on two nodes: every connection to the database cut (twice), and the database stopped
/// for five seconds. No node crashes, every accepted job succeeds with gapless events and one terminal event, and while
/// the database is gone callers hear 503 / UNAVAILABLE with a message, not 500.
/// </summary>
public sealed class DatabaseFaultTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> Apps = new()
    {
        ["steps"] = """
            name: Steps
            launchVariables:
              n: { type: string, required: true }
            blocks:
              - { id: a, type: template, text: "job {{$launchVariables->n}}" }
              - { id: pause, type: delay, duration: 400ms }
              - { id: b, type: template, text: "{{a}} done" }
              - { id: out, type: output, value: "{{b}}" }
            """,
    };

    [PostgresFact]
    public async Task BackendsTerminatedTwice_While200JobsRun_AllSucceedGaplessWithOneTerminalEach()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var server = await PostgresServer.GetAsync();
        await using var cluster = await Cluster.StartAsync(2, Apps, limit.Token);
        try
        {
            const int Jobs = 200;
            var accepted = 0;
            var cuts = new List<int>();
            var cutter = Task.Run(async () =>
            {
                // Once a quarter of the jobs are in, and again once three quarters are: every connection of both nodes
                // (writers, readers, listeners) goes at once.
                foreach (var threshold in new[] { Jobs / 4, Jobs * 3 / 4 })
                {
                    while (Volatile.Read(ref accepted) < threshold)
                    {
                        await Task.Delay(20, limit.Token);
                    }

                    cuts.Add(await server.TerminateConnectionsAsync(cluster.Database));
                }
            }, limit.Token);

            var ids = await StartAllAsync(cluster, Jobs, () => Interlocked.Increment(ref accepted), limit.Token);
            await cutter;
            output.WriteLine($"connections cut: {string.Join(", ", cuts)}");
            Assert.All(cuts, cut => Assert.True(cut > 0));

            await AssertAllSucceededAsync(cluster, ids, limit.Token);
            Assert.All(cluster.Nodes, node => Assert.False(node.HasExited));
        }
        catch
        {
            output.WriteLine(cluster.Output);
            throw;
        }
    }

    [PostgresFact]
    public async Task DatabaseStoppedFiveSeconds_UnderLoad_NodesStayUp_JobsFinish_NewRunsWithinTenSeconds()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        // A server of this test's own: stopping the shared one would fail every other test running on it.
        var server = await PostgresServer.StartOwnAsync();
        await using var cluster = await Cluster.StartAsync(2, Apps, limit.Token, server);
        try
        {
            var ids = await StartAllAsync(cluster, 40, () => { }, limit.Token);

            await server.StopAsync();
            var stopped = Stopwatch.StartNew();

            // While it is down: 503 with a message over REST, UNAVAILABLE over gRPC, on both nodes.
            using var http = cluster.Rest(cluster.Nodes[0]);
            using var rest = await http.PostAsync(
                "/v1/runs", new StringContent("""{"appId":"steps","variables":{"n":"down"},"wait":"0s"}""", Encoding.UTF8, "application/json"), limit.Token);
            var body = await rest.Content.ReadAsStringAsync(limit.Token);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, rest.StatusCode);
            Assert.Contains("database is unavailable", (string?)JsonNode.Parse(body)?["message"], StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
            var rpc = await JobHelpers.ThrowsStatusAsync(StatusCode.Unavailable, () => cluster.Nodes[1].Client.GetJobAsync(
                new GetJobRequest { JobId = ids[0] }, cluster.Auth, JobHelpers.Deadline(), limit.Token).ResponseAsync);
            Assert.Contains("database is unavailable", rpc.Status.Detail, StringComparison.Ordinal);

            var rest5 = TimeSpan.FromSeconds(5) - stopped.Elapsed;
            if (rest5 > TimeSpan.Zero)
            {
                await Task.Delay(rest5, limit.Token);
            }

            await server.StartAgainAsync();
            var restarted = Stopwatch.StartNew();
            output.WriteLine($"database down for {stopped.Elapsed.TotalSeconds:0.0} s");
            Assert.All(cluster.Nodes, node => Assert.False(node.HasExited));

            // New runs are accepted again within 10 s of the restart (on both nodes).
            var again = new List<string>();
            foreach (var node in cluster.Nodes)
            {
                again.Add(await RunUntilAcceptedAsync(node, cluster, "after", limit.Token));
            }

            output.WriteLine($"new runs accepted {restarted.Elapsed.TotalSeconds:0.0} s after the restart");
            Assert.True(restarted.Elapsed < TimeSpan.FromSeconds(10), $"accepted only after {restarted.Elapsed}");

            await AssertAllSucceededAsync(cluster, [.. ids, .. again], limit.Token);
            Assert.All(cluster.Nodes, node => Assert.False(node.HasExited));
        }
        catch
        {
            output.WriteLine(cluster.Output);
            throw;
        }
        finally
        {
            await server.StopAsync().ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    // Starts `count` jobs spread over the nodes, ten at a time; a start the database could not take is answered
    // UNAVAILABLE and sent again with the same idempotency key, as a client would.
    private static async Task<List<string>> StartAllAsync(Cluster cluster, int count, Action accepted, CancellationToken cancel)
    {
        var ids = new ConcurrentDictionary<int, string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 10, CancellationToken = cancel }, async (n, ct) =>
        {
            ids[n] = await RunUntilAcceptedAsync(cluster.Nodes[n % cluster.Nodes.Count], cluster, n.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
            accepted();
        });
        return [.. Enumerable.Range(0, count).Select(n => ids[n])];
    }

    private static async Task<string> RunUntilAcceptedAsync(ServerProcess node, Cluster cluster, string n, CancellationToken cancel)
    {
        var request = new RunRequest
        {
            AppId = "steps",
            Variables = JobHelpers.Vars(("n", n)),
            IdempotencyKey = "fault-" + n,
            Wait = Duration.FromTimeSpan(TimeSpan.Zero),
        };
        while (true)
        {
            try
            {
                return (await node.Client.RunAsync(request, cluster.Auth, JobHelpers.Deadline(), cancel)).Job.Id;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.Aborted)
            {
                await Task.Delay(100, cancel);
            }
        }
    }

    // Each job ends succeeded, its events 1..n without gaps, job_succeeded the one terminal event and the last.
    private static async Task AssertAllSucceededAsync(Cluster cluster, IReadOnlyList<string> ids, CancellationToken cancel)
    {
        await Parallel.ForEachAsync(ids.Select((id, n) => (id, n)), new ParallelOptions { MaxDegreeOfParallelism = 10, CancellationToken = cancel }, async (job, ct) =>
        {
            var node = cluster.Nodes[job.n % cluster.Nodes.Count];
            var events = await WatchToEndAsync(node, cluster, job.id, ct);
            JobHelpers.AssertGaplessToEnd(events, 1, "job_succeeded");
            Assert.Single(events, e => e.Type is "job_succeeded" or "job_failed" or "job_cancelled");
            var stored = await node.Client.GetJobAsync(new GetJobRequest { JobId = job.id }, cluster.Auth, JobHelpers.Deadline(), ct);
            Assert.Equal(JobState.Succeeded, stored.Job.State);
            Assert.Equal(events[^1].Sequence, stored.Job.LastSequence);
        });
    }

    private static async Task<List<JobEvent>> WatchToEndAsync(ServerProcess node, Cluster cluster, string jobId, CancellationToken cancel)
    {
        var events = new List<JobEvent>();
        while (true)
        {
            try
            {
                using var call = node.Client.WatchJob(
                    new WatchJobRequest { JobId = jobId, AfterSequence = events.Count == 0 ? 0 : events[^1].Sequence },
                    cluster.Auth, DateTime.UtcNow.AddMinutes(2), cancel);
                await foreach (var response in call.ResponseStream.ReadAllAsync(cancel))
                {
                    events.Add(response.Event);
                    if (response.Event.Type is "job_succeeded" or "job_failed" or "job_cancelled")
                    {
                        return events;
                    }
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
            {
                await Task.Delay(100, cancel);
            }
        }
    }
}
