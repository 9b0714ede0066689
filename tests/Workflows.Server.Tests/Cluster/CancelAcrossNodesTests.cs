using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Workflows.Server.Tests.Cluster;

/// <summary>
/// Cancel is durable across nodes: a cancel (native <c>CancelJob</c> or the recipe dialect's <c>/stop</c>) sent to one node
/// for a job another node runs is stored, the owner is woken by the notification, stops the block in flight and ends the
/// job <c>cancelled</c> itself within 2 s, so no block starts after <c>job_cancelled</c>.
/// </summary>
public sealed class CancelAcrossNodesTests(ITestOutputHelper output)
{
    private static readonly TimeSpan CancelLimit = TimeSpan.FromSeconds(2);

    // Each call is held by the receiver until the test lets it go: the job sits inside c1 on the node running it.
    private static readonly Dictionary<string, string> Apps = new()
    {
        ["calls"] = """
            name: Calls
            launchVariables:
              url: { type: string, required: true }
            blocks:
              - { id: c1, type: http_request, method: POST, url: "{{$launchVariables->url}}/c1", timeout: 60s }
              - { id: c2, type: http_request, method: POST, url: "{{$launchVariables->url}}/c2", timeout: 60s }
              - { id: out, type: output, value: "{{c2.status}}" }
            """,
    };

    [PostgresFact]
    public async Task CancelJob_JobRunningOnTheOtherNode_EndsCancelledWithinTwoSeconds_NoBlockAfter()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var cancel = limit.Token;
        await using var receiver = await CallbackReceiver.StartAsync();
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Hold = hold.Task;
        await using var cluster = await Cluster.StartAsync(2, Apps, cancel);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        try
        {
            var run = await a.Client.RunAsync(
                new RunRequest { AppId = "calls", Variables = JobHelpers.Vars(("url", receiver.Url)), Wait = Duration.FromTimeSpan(TimeSpan.Zero) },
                cluster.Auth, Deadline(), cancel);
            await receiver.NextAsync("/c1", TimeSpan.FromSeconds(30));
            // Also opens the channel to B, so the measured cancel is not its first call there.
            var running = await b.Client.GetJobAsync(new GetJobRequest { JobId = run.Job.Id }, cluster.Auth, Deadline(), cancel);
            Assert.Equal(JobState.Running, running.Job.State);

            var clock = Stopwatch.StartNew();
            var cancelled = await b.Client.CancelJobAsync(new CancelJobRequest { JobId = run.Job.Id, Reason = "from node B" }, cluster.Auth, Deadline(), cancel);
            var latency = clock.Elapsed;
            output.WriteLine($"CancelJob on node B of a job running on node A answered cancelled after {latency.TotalMilliseconds:0} ms");
            hold.TrySetResult();

            Assert.Equal(JobState.Cancelled, cancelled.Job.State);
            Assert.True(latency < CancelLimit, $"cancel took {latency}");
            var events = await WatchToEndAsync(b, cluster, run.Job.Id, cancel);
            AssertNothingStartedAfterCancel(events);
            Assert.DoesNotContain(events, e => e.Type == "block_started" && e.BlockId == "c2");
            await AssertOwnerIdleAsync(a, cluster, receiver, cancel);
        }
        catch
        {
            output.WriteLine(cluster.Output);
            throw;
        }
    }

    [PostgresFact]
    public async Task RecipeStop_JobRunningOnTheOtherNode_AnswersEmptyObjectOnceItIsStopped()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var cancel = limit.Token;
        await using var receiver = await CallbackReceiver.StartAsync();
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Hold = hold.Task;
        await using var cluster = await Cluster.StartAsync(2, Apps, cancel);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        using var restA = cluster.Rest(a);
        using var restB = cluster.Rest(b);
        try
        {
            var jobId = await restA.ExecAsync("calls", new JsonObject { ["json"] = new JsonObject { ["url"] = receiver.Url } });
            await receiver.NextAsync("/c1", TimeSpan.FromSeconds(30));
            Assert.Equal("running", await restB.ListedStateAsync(jobId));

            var clock = Stopwatch.StartNew();
            var stop = await restB.PostJsonAsync("/api/v1/workflow/stop", new JsonObject { ["jobId"] = jobId });
            var latency = clock.Elapsed;
            output.WriteLine($"/stop on node B of a job running on node A answered after {latency.TotalMilliseconds:0} ms");
            hold.TrySetResult();

            // The SPEC's shape, given once the job has really ended: the very next /jobs says stopped, on either node.
            Assert.Equal(HttpStatusCode.OK, stop.Status);
            Assert.Equal("{}", stop.Json.ToJsonString());
            Assert.True(latency < CancelLimit, $"stop took {latency}");
            Assert.Equal("stopped", await restB.ListedStateAsync(jobId));
            Assert.Equal("stopped", await restA.ListedStateAsync(jobId));
            var events = await WatchToEndAsync(b, cluster, jobId, cancel);
            AssertNothingStartedAfterCancel(events);
            Assert.Equal("stopped by request", (await b.Client.GetJobAsync(new GetJobRequest { JobId = jobId }, cluster.Auth, Deadline(), cancel)).Job.Error);

            var unknown = await restB.PostJsonAsync("/api/v1/workflow/stop", new JsonObject { ["jobId"] = Guid.NewGuid().ToString() });
            Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        }
        catch
        {
            output.WriteLine(cluster.Output);
            throw;
        }
    }

    private static void AssertNothingStartedAfterCancel(List<JobEvent> events)
    {
        var trace = string.Join(", ", events.Select(e => $"{e.Sequence}:{e.Type}:{e.BlockId}"));
        var end = events.FindIndex(e => e.Type == "job_cancelled");
        Assert.True(end >= 0, trace);
        Assert.Equal(events.Count - 1, end);
        Assert.DoesNotContain(events.Skip(end), e => e.Type == "block_started");
        JobHelpers.AssertGaplessToEnd(events, 1, "job_cancelled");
    }

    // The cancelled run is gone from node A: a job A starts afterwards reaches the receiver, and by then the cancelled
    // job's next block, which A would have started at once when its held call was let go, never called.
    private static async Task AssertOwnerIdleAsync(ServerProcess a, Cluster cluster, CallbackReceiver receiver, CancellationToken cancel)
    {
        await a.Client.RunAsync(
            new RunRequest { AppId = "calls", Variables = JobHelpers.Vars(("url", receiver.Url + "/after")), Wait = Duration.FromTimeSpan(TimeSpan.Zero) },
            cluster.Auth, Deadline(), cancel);
        await receiver.NextAsync("/after/c2", TimeSpan.FromSeconds(30));
        Assert.False(receiver.HasPending("/c2"), "the cancelled job's next block called after the cancel");
    }

    private static async Task<List<JobEvent>> WatchToEndAsync(ServerProcess node, Cluster cluster, string jobId, CancellationToken cancel)
    {
        using var call = node.Client.WatchJob(new WatchJobRequest { JobId = jobId }, cluster.Auth, Deadline(), cancel);
        var events = new List<JobEvent>();
        await foreach (var response in call.ResponseStream.ReadAllAsync(cancel))
        {
            events.Add(response.Event);
        }

        return events;
    }

    private static DateTime Deadline() => DateTime.UtcNow + TimeSpan.FromSeconds(60);
}
