using System.Net;
using System.Net.Http.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Waits;

/// <summary>
/// wait_for_signal and SignalJob: a signal is stored before the answer, taken by the wait of its name (also when it came
/// first), checked against the block's schema; bad names, bad payloads and finished jobs are refused.
/// </summary>
public sealed class SignalTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "wf-signals-" + Guid.NewGuid().ToString("N"));

    private WaitServer? _server;

    private WaitServer Server => _server!;

    public async Task InitializeAsync() => _server = await WaitServer.StartAsync(_dataDir);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held on a slow shutdown; the OS cleans the temp dir.
        }
    }

    private static Struct Payload(bool approved, string note) => new()
    {
        Fields = { ["approved"] = Value.ForBool(approved), ["note"] = Value.ForString(note) },
    };

    private static Task<SignalJobResponse> SignalAsync(WaitServer server, string jobId, string signal, Struct payload, string key = "") =>
        server.Client.SignalJobAsync(
            new SignalJobRequest { JobId = jobId, Signal = signal, Payload = payload, IdempotencyKey = key }, server.Auth, JobHelpers.Deadline()).ResponseAsync;

    [Fact]
    public async Task SignalJob_ToAWaitingJob_WakesItWithThePayload()
    {
        var jobId = await Server.StartAsync("approve");
        var waiting = await Server.WatchUntilAsync(jobId, e => e.Type == "job_waiting" && e.BlockId == "approval");
        Assert.Equal("signal", waiting.Data.Fields["reason"].StringValue);
        Assert.Equal("approval", waiting.Data.Fields["signal"].StringValue);
        Assert.Equal("Approve the draft?", waiting.Data.Fields["message"].StringValue);

        var answer = await SignalAsync(Server, jobId, "approval", Payload(true, "ship it"), key: "k1");
        var events = await Server.WatchToEndAsync(jobId);

        Assert.False(answer.Duplicate);
        Assert.Equal("true ship it", (await Server.GetAsync(jobId)).Result.StringValue);
        Assert.Contains(events, e => e.Type == "job_resumed");
    }

    [Fact]
    public async Task SignalJob_BeforeTheWaitIsReached_IsKeptAndTaken()
    {
        // Long enough that the signal lands while the delay still runs, even on a loaded CI machine (1 s was not).
        var jobId = await Server.StartAsync("approve", ("pause", "5s"));
        await Server.WatchUntilAsync(jobId, e => e.Type == "job_waiting" && e.BlockId == "pause");

        await SignalAsync(Server, jobId, "approval", Payload(false, "early"));
        var events = await Server.WatchToEndAsync(jobId);

        Assert.Equal("false early", (await Server.GetAsync(jobId)).Result.StringValue);
        Assert.DoesNotContain(events, e => e.Type == "job_waiting" && e.BlockId == "approval");
    }

    [Fact]
    public async Task SignalJob_Timeout_FailsOrContinuesWithNull()
    {
        var failing = await Server.StartAsync("timeout-fail");
        var continuing = await Server.StartAsync("timeout-continue");
        await Server.WatchToEndAsync(failing);
        await Server.WatchToEndAsync(continuing);

        var failed = await Server.GetAsync(failing);
        var continued = await Server.GetAsync(continuing);
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Contains("no signal 'answer'", failed.Error, StringComparison.Ordinal);
        Assert.Equal(JobState.Succeeded, continued.State);
        Assert.Equal("timed out: ", continued.Result.StringValue);
    }

    [Fact]
    public async Task SignalJob_BadRequests_AreRefusedNamingWhatIsWrong()
    {
        var jobId = await Server.StartAsync("approve");
        await Server.WatchUntilAsync(jobId, e => e.Type == "job_waiting" && e.BlockId == "approval");
        using var http = Server.Rest();

        var mismatch = await http.PostAsJsonAsync($"/v1/jobs/{jobId}/signals/approval", new { approved = "maybe" });
        var unknown = await http.PostAsJsonAsync($"/v1/jobs/{jobId}/signals/nope", new { approved = true });
        var missing = await http.PostAsJsonAsync($"/v1/jobs/{Guid.NewGuid()}/signals/approval", new { approved = true });

        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Contains("field 'approved'", await mismatch.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("'approval'", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var ok = await http.PostAsJsonAsync($"/v1/jobs/{jobId}/signals/approval", new { approved = true, note = "rest" });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await Server.WatchToEndAsync(jobId);
        await JobHelpers.ThrowsStatusAsync(StatusCode.FailedPrecondition, () => SignalAsync(Server, jobId, "approval", Payload(true, "late")));
        var late = await http.PostAsJsonAsync($"/v1/jobs/{jobId}/signals/approval", new { approved = false });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("takes no more signals", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("true rest", (await Server.GetAsync(jobId)).Result.StringValue);
    }

    [Fact]
    public async Task SignalJob_RepeatedKeyAfterTheJobFinished_AnswersTheFirstSignal()
    {
        var jobId = await Server.StartAsync("approve");
        await Server.WatchUntilAsync(jobId, e => e.Type == "job_waiting" && e.BlockId == "approval");
        var first = await SignalAsync(Server, jobId, "approval", Payload(true, "once"), key: "retry-me");
        await Server.WatchToEndAsync(jobId);

        var retried = await SignalAsync(Server, jobId, "approval", Payload(true, "once"), key: "retry-me");

        Assert.True(retried.Duplicate);
        Assert.Equal(first.SignalId, retried.SignalId);
        Assert.Equal(JobState.Succeeded, retried.Job.State);
        Assert.Equal("true once", retried.Job.Result.StringValue);
        // Another key, or none, to the finished job is still refused.
        await JobHelpers.ThrowsStatusAsync(StatusCode.FailedPrecondition, () => SignalAsync(Server, jobId, "approval", Payload(true, "again"), key: "new"));
        await JobHelpers.ThrowsStatusAsync(StatusCode.FailedPrecondition, () => SignalAsync(Server, jobId, "approval", Payload(true, "again")));
    }

    [Fact]
    public async Task CancelJob_WaitingJob_IsCancelledAtOnce()
    {
        var jobId = await Server.StartAsync("approve");
        await Server.WatchUntilAsync(jobId, e => e.Type == "job_waiting" && e.BlockId == "approval");

        var cancelled = await Server.Client.CancelJobAsync(new CancelJobRequest { JobId = jobId, Reason = "not needed" }, Server.Auth, JobHelpers.Deadline());
        var again = await Server.Client.CancelJobAsync(new CancelJobRequest { JobId = jobId, Reason = "twice" }, Server.Auth, JobHelpers.Deadline());
        var events = await Server.WatchToEndAsync(jobId);

        Assert.Equal(JobState.Cancelled, cancelled.Job.State);
        Assert.Equal(JobState.Cancelled, again.Job.State);
        Assert.Equal("job_cancelled", events[^1].Type);
        // The approval's wait was never resumed (the workflow's earlier delay was, before it).
        var approvalWait = events.FindLastIndex(e => e.Type == "job_waiting" && e.BlockId == "approval");
        Assert.True(approvalWait >= 0);
        Assert.DoesNotContain(events.Skip(approvalWait), e => e.Type is "job_resumed" or "block_started");
    }

    [Fact]
    public async Task SignalJob_AfterARestartWhileJobsWait_EachTakesItsOwnPayload()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var id = await Server.StartAsync("approve");
            await Server.WatchUntilAsync(id, e => e.Type == "job_waiting" && e.BlockId == "approval");
            ids.Add(id);
        }

        await Server.DisposeAsync();
        _server = await WaitServer.StartAsync(_dataDir);
        for (var i = 0; i < ids.Count; i++)
        {
            await SignalAsync(Server, ids[i], "approval", Payload(i % 2 == 0, $"job {i}"));
        }

        for (var i = 0; i < ids.Count; i++)
        {
            await Server.WatchToEndAsync(ids[i]);
            var job = await Server.GetAsync(ids[i]);
            Assert.Equal(JobState.Succeeded, job.State);
            Assert.Equal($"{(i % 2 == 0 ? "true" : "false")} job {i}", job.Result.StringValue);
        }
    }
}
