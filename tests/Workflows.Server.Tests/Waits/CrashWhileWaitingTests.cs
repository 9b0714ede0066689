using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Security;
using Workflows.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Workflows.Server.Tests.Waits;

/// <summary>
/// Issue 13's acceptance test for signals: 100 jobs wait in <c>wait_for_signal</c>, the server process that started them
/// is killed with SIGKILL, and signals with distinct payloads sent afterwards (to a new process on the same SQLite data
/// dir, or to the surviving node of a PostgreSQL cluster) wake every job with its own payload.
/// </summary>
public sealed class CrashWhileWaitingTests(ITestOutputHelper output) : IDisposable
{
    private const int Jobs = 100;
    private const string AppId = "approvals";

    private const string Flow = """
        name: Approval
        launchVariables:
          n: { type: string, required: true }
        blocks:
          - id: approval
            type: wait_for_signal
            message: "Approve job {{$launchVariables->n}}?"
            schema:
              note: { type: string, required: true }
          - id: out
            type: output
            value: "{{$launchVariables->n}}: {{approval.note}}"
        """;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "wf-crash-waits-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task KillDashNine_HundredJobsWaitingForSignals_NewProcessOnSqlite_EachSucceedsWithItsOwnPayload()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var cancel = limit.Token;
        var key = RandomNumberGenerator.GetBytes(32);
        var auth = ServerFixture.Bearer(
            new TokenIssuer(key, TimeProvider.System).Create("default", TokenClaims.AdminAction, "Workflow", TimeSpan.FromHours(1), []).Token);
        var settings = CreateDataDir(key);
        var work = Path.Combine(_root, "work");

        ServerProcess? first = null;
        ServerProcess? second = null;
        try
        {
            first = ServerProcess.Start(work, settings);
            await first.WaitUntilReadyAsync(cancel);
            var ids = await StartWaitingJobsAsync(first, auth, cancel);

            await first.KillAsync();
            Assert.Equal(137, first.ExitCode);
            second = ServerProcess.Start(work, settings);
            await second.WaitUntilReadyAsync(cancel);

            await SignalAllAndCheckAsync(second, auth, ids, cancel);
        }
        catch
        {
            output.WriteLine("first server's output:" + Environment.NewLine + first?.RecentOutput);
            output.WriteLine("second server's output:" + Environment.NewLine + second?.RecentOutput);
            throw;
        }
        finally
        {
            first?.Dispose();
            second?.Dispose();
        }
    }

    [Cluster.PostgresFact]
    public async Task KillDashNine_NodeWhereHundredJobsWait_SignalsThroughTheOther_EachSucceedsWithItsOwnPayload()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var cancel = limit.Token;
        await using var cluster = await Cluster.Cluster.StartAsync(2, new Dictionary<string, string> { [AppId] = Flow }, cancel);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        try
        {
            var ids = await StartWaitingJobsAsync(a, cluster.Auth, cancel);

            await a.KillAsync();
            Assert.Equal(137, a.ExitCode);

            await SignalAllAndCheckAsync(b, cluster.Auth, ids, cancel);
        }
        catch
        {
            output.WriteLine(cluster.Output);
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS's temp cleanup.
        }
    }

    // Starts the jobs on the node and returns once every one of them has committed its job_waiting.
    private static async Task<string[]> StartWaitingJobsAsync(ServerProcess node, Metadata auth, CancellationToken cancel)
    {
        var ids = await Task.WhenAll(Enumerable.Range(0, Jobs).Select(async n => (await node.Client.RunAsync(
            new RunRequest { AppId = AppId, Variables = JobHelpers.Vars(("n", N(n))), Wait = Duration.FromTimeSpan(TimeSpan.Zero) },
            auth, Deadline(), cancel)).Job.Id));
        var waiting = await Task.WhenAll(ids.Select(id => WatchAsync(node, auth, id, e => e.Type == "job_waiting", cancel)));
        Assert.All(waiting, events => Assert.Equal("approval", events[^1].BlockId));
        return ids;
    }

    private async Task SignalAllAndCheckAsync(ServerProcess node, Metadata auth, string[] ids, CancellationToken cancel)
    {
        var answers = await Task.WhenAll(ids.Select((id, n) => node.Client.SignalJobAsync(
            new SignalJobRequest
            {
                JobId = id,
                Signal = "approval",
                Payload = new Struct { Fields = { ["note"] = Value.ForString($"payload of {N(n)}") } },
                IdempotencyKey = "approve-" + N(n),
            },
            auth, Deadline(), cancel).ResponseAsync));
        Assert.All(answers, answer => Assert.False(answer.Duplicate));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var ends = await Task.WhenAll(ids.Select(id => WatchAsync(node, auth, id, e => e.Type is "job_succeeded" or "job_failed" or "job_cancelled", cancel)));
        output.WriteLine($"all {Jobs} signalled jobs finished {clock.Elapsed.TotalMilliseconds:0} ms after the last signal was stored");
        for (var n = 0; n < Jobs; n++)
        {
            var events = ends[n];
            var context = $"job {n} ({ids[n]}): {string.Join(", ", events.Select(e => $"{e.Sequence}:{e.Type}:{e.BlockId}"))}";
            JobHelpers.AssertGaplessToEnd(events, 1, "job_succeeded");
            Assert.True(events.Count(e => e.Type == "job_waiting") == 1, context);
            Assert.True(events.Count(e => e.Type == "job_resumed") == 1, context);
            Assert.Equal($"{N(n)}: payload of {N(n)}", events[^1].Output.StringValue);
        }

        var jobs = await Task.WhenAll(ids.Select(async id => (await node.Client.GetJobAsync(new GetJobRequest { JobId = id }, auth, Deadline(), cancel)).Job));
        for (var n = 0; n < Jobs; n++)
        {
            Assert.Equal(JobState.Succeeded, jobs[n].State);
            Assert.Equal($"{N(n)}: payload of {N(n)}", jobs[n].Result.StringValue);
        }
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static DateTime Deadline() => DateTime.UtcNow + TimeSpan.FromSeconds(60);

    // Reads a job's events from the start until one matches; fails when the stream ends first.
    private static async Task<List<JobEvent>> WatchAsync(ServerProcess node, Metadata auth, string jobId, Func<JobEvent, bool> until, CancellationToken cancel)
    {
        using var call = node.Client.WatchJob(new WatchJobRequest { JobId = jobId }, auth, Deadline(), cancel);
        var events = new List<JobEvent>();
        await foreach (var response in call.ResponseStream.ReadAllAsync(cancel))
        {
            events.Add(response.Event);
            if (until(response.Event))
            {
                return events;
            }
        }

        throw new InvalidOperationException($"job {jobId} ended before the awaited event: {string.Join(", ", events.Select(e => e.Type))}");
    }

    private Dictionary<string, string> CreateDataDir(byte[] key)
    {
        var app = Path.Combine(_root, "apps", AppId);
        Directory.CreateDirectory(app);
        Directory.CreateDirectory(Path.Combine(_root, "work"));
        File.WriteAllText(Path.Combine(app, "app.yaml"), $"id: {AppId}\nname: Approvals\ndescription: The crash-while-waiting test's app.\n");
        File.WriteAllText(Path.Combine(app, "main.flow"), Flow);
        return new Dictionary<string, string>
        {
            ["Workflows:DataDir"] = Path.Combine(_root, "data"),
            ["Workflows:AppsDir"] = Path.Combine(_root, "apps"),
            ["Workflows:Auth:SigningKey"] = Convert.ToBase64String(key),
            ["Workflows:Limits:MaxConcurrentJobs"] = "0",
            ["Workflows:Limits:RequestsPerSecond"] = "0",
        };
    }
}
