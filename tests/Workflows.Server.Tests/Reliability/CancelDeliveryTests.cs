using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Contracts.V1;
using Workflows.Engine.Storage;
using Workflows.Server.Tests.Infrastructure;
using EngineJobs = Workflows.Engine.Jobs;

namespace Workflows.Server.Tests.Reliability;

/// <summary>
/// A cancelled job ends like any other: its terminal event reaches watchers and its callback is delivered, whether it
/// was running in this process or only existed in the store (run by another node, or not picked up yet).
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class CancelDeliveryTests(ServerFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    [Fact]
    public async Task CancelJob_RunningJobWithCallback_CallbackCarriesCancelledState()
    {
        var gate = Guid.NewGuid().ToString("N");
        var path = "/cancel-running/" + gate;
        var run = await fixture.Grpc().RunAsync(
            new RunRequest
            {
                AppId = "gated",
                Variables = JobHelpers.Vars(("gate", gate)),
                CallbackUrl = fixture.Callbacks.Url + path,
                Wait = Duration.FromTimeSpan(TimeSpan.Zero),
            },
            ServerFixture.Bearer(fixture.ExecToken),
            JobHelpers.Deadline());
        await GateBlock.Reached(gate).WaitAsync(Wait);

        await fixture.Grpc().CancelJobAsync(
            new CancelJobRequest { JobId = run.Job.Id, Reason = "stop it" }, ServerFixture.Bearer(fixture.ExecToken), JobHelpers.Deadline());

        var callback = Parser.Parse<RunResponse>((await fixture.Callbacks.NextAsync(path, Wait)).Body);
        Assert.Equal(run.Job.Id, callback.Job.Id);
        Assert.Equal(JobState.Cancelled, callback.Job.State);
        Assert.Equal("stop it", callback.Job.Error);
    }

    [Fact]
    public async Task CancelJob_JobNotRunningHere_TerminalEventToWatchersAndCallbackDelivered()
    {
        // A queued job in the store that no runner of this process holds.
        var path = "/cancel-stored/" + Guid.NewGuid().ToString("N");
        var store = fixture.Services.GetRequiredService<IJobStore>();
        var now = DateTimeOffset.UtcNow;
        var job = new EngineJobs.JobRecord
        {
            Id = Guid.CreateVersion7(now),
            OrganizationId = "default",
            AppId = "blog",
            Workflow = "main",
            State = EngineJobs.JobState.Queued,
            Variables = new JsonObject { ["topic"] = "cancelled" },
            CreatedAt = now,
            LastSequence = 1,
            CallbackUrl = fixture.Callbacks.Url + path,
        };
        await store.CreateJobAsync(job, [new EngineJobs.JobEvent(job.Id, 1, EngineJobs.JobEventTypes.JobQueued, now)], CancellationToken.None);
        var auth = ServerFixture.Bearer(fixture.AdminToken);
        using var watch = fixture.Grpc().WatchJob(new WatchJobRequest { JobId = job.Id.ToString() }, auth, JobHelpers.Deadline());
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal("job_queued", watch.ResponseStream.Current.Event.Type);

        var cancelled = await fixture.Grpc().CancelJobAsync(
            new CancelJobRequest { JobId = job.Id.ToString(), Reason = "no longer needed" }, auth, JobHelpers.Deadline());

        Assert.Equal(JobState.Cancelled, cancelled.Job.State);
        Assert.Equal(2, cancelled.Job.LastSequence);

        // The live watcher gets the terminal event, and its stream ends there.
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
        var terminal = watch.ResponseStream.Current.Event;
        Assert.Equal(("job_cancelled", 2L, "no longer needed"), (terminal.Type, terminal.Sequence, terminal.Error));
        Assert.False(await watch.ResponseStream.MoveNext(CancellationToken.None));

        var callback = Parser.Parse<RunResponse>((await fixture.Callbacks.NextAsync(path, Wait)).Body);
        Assert.Equal(job.Id.ToString(), callback.Job.Id);
        Assert.Equal(JobState.Cancelled, callback.Job.State);
        Assert.Equal("no longer needed", callback.Job.Error);

        // The reason is a post, as for a job cancelled while running.
        var posts = await store.GetPostsAsync(job.Id, CancellationToken.None);
        Assert.Equal(("system", "no longer needed"), (posts[^1].Role, posts[^1].Content));
    }
}
