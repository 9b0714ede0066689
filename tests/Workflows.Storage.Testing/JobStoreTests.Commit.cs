using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Engine.Storage.Support;

namespace Workflows.Storage.Testing;

public abstract partial class JobStoreTests
{
    [Fact]
    public async Task Commit_AppendsGaplessEventsAndAdvancesSequence()
    {
        var job = await CreateJobAsync(StoreTestData.Job());

        await Store.CommitAsync(StoreTestData.LogCommit(job.Id, 1, count: 3), Ct);
        await Store.CommitAsync(StoreTestData.LogCommit(job.Id, 4, count: 2), Ct);

        Assert.Equal(6, (await Store.GetJobAsync(job.Id, Ct))?.LastSequence);
        var events = await Store.GetEventsAsync(job.Id, 0, 100, Ct);
        Assert.Equal([1L, 2, 3, 4, 5, 6], events.Select(e => e.Sequence));
        Assert.Equal("line 5", events[4].Text);
    }

    [Fact]
    public async Task Commit_EventFields_RoundTrip()
    {
        var job = await CreateJobAsync(StoreTestData.Job());
        var e = new JobEvent(job.Id, 2, JobEventTypes.BlockCompleted, StoreTestData.T0.AddMilliseconds(123))
        {
            BlockId = "block-ß",
            BlockType = "http",
            Text = "multi\nline ✓",
            Duration = TimeSpan.FromTicks(1_234_567), // 123.4567 ms: sub-millisecond precision must survive
            Output = new JsonArray(1.5, "x", new JsonObject { ["big"] = JsonNode.Parse("1e400") }),
            Error = "boom",
            Data = new JsonObject { ["usage"] = new JsonObject { ["input_tokens"] = 12 } },
        };

        await Store.CommitAsync(new JobCommit { JobId = job.Id, ExpectedSequence = 1, Events = [e] }, Ct);

        StoreAssert.EventsEqual([e], await Store.GetEventsAsync(job.Id, 1, 10, Ct));
    }

    [Fact]
    public async Task Commit_WrongExpectedSequence_ThrowsAndWritesNothing()
    {
        var job = await CreateJobAsync(StoreTestData.Job());
        await Store.CommitAsync(StoreTestData.LogCommit(job.Id, 1), Ct);
        var stale = StoreTestData.LogCommit(job.Id, 1) with
        {
            Outputs = [new BlockOutput("a", 1)],
            Posts = [new JobPost("p", null, "system", "x", StoreTestData.T0)],
            State = JobState.Failed,
            Error = "stale",
            FinishedAt = StoreTestData.T0,
            Outbox = [StoreTestData.Message(job)],
        };

        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.CommitAsync(stale, Ct));

        var stored = await Store.GetJobAsync(job.Id, Ct);
        Assert.Equal(2, stored?.LastSequence);
        Assert.Equal(JobState.Queued, stored?.State);
        Assert.Null(stored?.Error);
        Assert.Null(stored?.FinishedAt);
        Assert.Equal(2, (await Store.GetEventsAsync(job.Id, 0, 100, Ct)).Count);
        Assert.Empty(await Store.GetOutputsAsync(job.Id, Ct));
        Assert.Empty(await Store.GetPostsAsync(job.Id, Ct));
        Assert.Empty(await Store.ListDeliveriesAsync(job.Id, Ct));
    }

    [Fact]
    public async Task Commit_WithCreate_StoresTheJobAndItsFirstStepsInOneGo()
    {
        var job = StoreTestData.Job() with { LeaseOwner = "node-a", LeaseExpiresAt = StoreTestData.T0.AddMinutes(1) };
        var first = StoreTestData.LogCommit(job.Id, 1, count: 2) with
        {
            Create = new NewJob(job, [StoreTestData.QueuedEvent(job)]),
            State = JobState.Running,
            StartedAt = StoreTestData.T0,
            Posts = [new JobPost("p", null, "system", "x", StoreTestData.T0)],
            LeaseOwner = "node-a",
        };

        await Store.CommitAsync(first, Ct);

        var stored = await Store.GetJobAsync(job.OrganizationId, job.Id, Ct);
        Assert.Equal(3, stored?.LastSequence);
        Assert.Equal(JobState.Running, stored?.State);
        Assert.Equal("node-a", stored?.LeaseOwner);
        Assert.Equal([JobEventTypes.JobQueued, JobEventTypes.Log, JobEventTypes.Log], (await Store.GetEventsAsync(job.Id, 0, 100, Ct)).Select(e => e.Type));
        Assert.Single(await Store.GetPostsAsync(job.Id, Ct));
    }

    [Fact]
    public async Task Commit_WithCreateThatRunsTheJobToTheEnd_StoresTheJobAsTheCommitLeavesIt()
    {
        var job = StoreTestData.Job() with { LeaseOwner = "node-a", LeaseExpiresAt = StoreTestData.T0.AddMinutes(1) };
        // A sync run of blocks that never wait: the job is stored with its first commit, which also finishes it.
        var whole = StoreTestData.LogCommit(job.Id, 1, count: 2) with
        {
            Create = new NewJob(job, [StoreTestData.QueuedEvent(job)]),
            LeaseOwner = "node-a",
            State = JobState.Succeeded,
            StartedAt = StoreTestData.T0.AddSeconds(1),
            FinishedAt = StoreTestData.T0.AddSeconds(2),
            Result = new JsonObject { ["answer"] = 42 },
            TraceParent = FirstTrace,
            Outputs = [new BlockOutput("a", JsonValue.Create("out"))],
        };

        await Store.CommitAsync(whole, Ct);

        var stored = await Store.GetJobAsync(job.OrganizationId, job.Id, Ct);
        Assert.Equal(3, stored?.LastSequence);
        Assert.Equal(JobState.Succeeded, stored?.State);
        Assert.Equal(StoreTestData.T0.AddSeconds(1), stored?.StartedAt);
        Assert.Equal(StoreTestData.T0.AddSeconds(2), stored?.FinishedAt);
        Assert.Equal(42, stored?.Result?["answer"]?.GetValue<int>());
        Assert.Equal(FirstTrace, stored?.TraceParent);
        Assert.Null(stored?.Error);
        Assert.Equal("out", (await Store.GetOutputsAsync(job.Id, Ct))["a"]?.GetValue<string>());
        Assert.Equal([1L, 2L, 3L], (await Store.GetEventsAsync(job.Id, 0, 100, Ct)).Select(e => e.Sequence));
        // Finished: a later step is refused.
        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.CommitAsync(StoreTestData.LogCommit(job.Id, 3), Ct));
    }

    [Fact]
    public async Task Commit_WithCreate_RefusedStep_StoresNoJobAtAll()
    {
        var job = StoreTestData.Job() with { LeaseOwner = "node-a", LeaseExpiresAt = StoreTestData.T0.AddMinutes(1) };
        // The step is fenced to another node's lease: the commit is refused, and the job it would have created with it too.
        var refused = StoreTestData.LogCommit(job.Id, 1) with { Create = new NewJob(job, [StoreTestData.QueuedEvent(job)]), LeaseOwner = "node-b" };

        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.CommitAsync(refused, Ct));

        Assert.Null(await Store.GetJobAsync(job.Id, Ct));
        Assert.Empty(await Store.GetEventsAsync(job.Id, 0, 100, Ct));
    }

    [Fact]
    public async Task Commit_WithCreateOfAnotherJobOrSequence_ThrowsArgumentException()
    {
        var job = StoreTestData.Job();
        var create = new NewJob(job, [StoreTestData.QueuedEvent(job)]);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CommitAsync(StoreTestData.LogCommit(Guid.NewGuid(), 1) with { Create = create }, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CommitAsync(StoreTestData.LogCommit(job.Id, 2) with { Create = create }, Ct));

        Assert.Null(await Store.GetJobAsync(job.Id, Ct));
    }

    [Fact]
    public async Task Commit_NonConsecutiveSequences_ThrowsArgumentException()
    {
        var job = await CreateJobAsync(StoreTestData.Job());

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CommitAsync(
            new JobCommit { JobId = job.Id, ExpectedSequence = 1, Events = [StoreTestData.Log(job.Id, 2), StoreTestData.Log(job.Id, 4)] }, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CommitAsync(
            new JobCommit { JobId = job.Id, ExpectedSequence = 1, Events = [StoreTestData.Log(job.Id, 3)] }, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CommitAsync(
            new JobCommit { JobId = job.Id, ExpectedSequence = 1, Events = [StoreTestData.Log(Guid.NewGuid(), 2)] }, Ct));

        Assert.Equal(1, (await Store.GetJobAsync(job.Id, Ct))?.LastSequence);
        Assert.Single(await Store.GetEventsAsync(job.Id, 0, 100, Ct));
    }

    [Fact]
    public async Task Commit_UnknownJob_ThrowsKeyNotFoundException()
    {
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.CommitAsync(StoreTestData.LogCommit(Guid.NewGuid(), 0), Ct));
    }

    [Fact]
    public async Task Commit_Outputs_UpsertByBlock()
    {
        var job = await CreateJobAsync(StoreTestData.Job());

        await Store.CommitAsync(new JobCommit
        {
            JobId = job.Id,
            ExpectedSequence = 1,
            Outputs = [new BlockOutput("a", new JsonObject { ["v"] = 1 }), new BlockOutput("nothing", null)],
        }, Ct);
        await Store.CommitAsync(new JobCommit
        {
            JobId = job.Id,
            ExpectedSequence = 1,
            Outputs = [new BlockOutput("a", "replaced ✓"), new BlockOutput("b", JsonNode.Parse("[1,[2,[3]]]"))],
        }, Ct);

        var outputs = await Store.GetOutputsAsync(job.Id, Ct);
        Assert.Equal(["a", "b", "nothing"], outputs.Keys.Order(StringComparer.Ordinal));
        StoreAssert.JsonEqual("replaced ✓", outputs["a"]);
        StoreAssert.JsonEqual(JsonNode.Parse("[1,[2,[3]]]"), outputs["b"]);
        Assert.Null(outputs["nothing"]);
        Assert.Empty(await Store.GetOutputsAsync(Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task Commit_Posts_KeepOrderAcrossCommits()
    {
        var job = await CreateJobAsync(StoreTestData.Job());
        JobPost[] first = [new("z", "a", "assistant", "first ✓", StoreTestData.T0), new("a", null, "system", "second", StoreTestData.T0.AddSeconds(1))];
        JobPost[] second = [new("m", "b", "assistant", "third", StoreTestData.T0.AddSeconds(2))];

        await Store.CommitAsync(new JobCommit { JobId = job.Id, ExpectedSequence = 1, Posts = first }, Ct);
        await Store.CommitAsync(new JobCommit { JobId = job.Id, ExpectedSequence = 1, Posts = second }, Ct);

        Assert.Equal([.. first, .. second], await Store.GetPostsAsync(job.Id, Ct));
    }

    [Fact]
    public async Task Commit_StateResultErrorAndTimes_SetWhenGivenAndUnchangedWhenNull()
    {
        var job = await CreateJobAsync(StoreTestData.Job());
        var started = StoreTestData.T0.AddSeconds(1);
        var finished = StoreTestData.T0.AddSeconds(5);

        await Store.CommitAsync(new JobCommit { JobId = job.Id, ExpectedSequence = 1, State = JobState.Running, StartedAt = started }, Ct);
        var running = await Store.GetJobAsync(job.Id, Ct);
        Assert.Equal(JobState.Running, running?.State);
        Assert.Equal(started, running?.StartedAt);
        Assert.Null(running?.FinishedAt);

        await Store.CommitAsync(StoreTestData.LogCommit(job.Id, 1), Ct);
        var logged = await Store.GetJobAsync(job.Id, Ct);
        Assert.Equal(JobState.Running, logged?.State);
        Assert.Equal(started, logged?.StartedAt);

        await Store.CommitAsync(new JobCommit
        {
            JobId = job.Id,
            ExpectedSequence = 2,
            State = JobState.Succeeded,
            FinishedAt = finished,
            Result = new JsonObject { ["summary"] = "ok ✓", ["n"] = JsonNode.Parse("18446744073709551617") },
        }, Ct);

        var done = await Store.GetJobAsync(job.Id, Ct);
        Assert.Equal(JobState.Succeeded, done?.State);
        Assert.Equal(started, done?.StartedAt);
        Assert.Equal(finished, done?.FinishedAt);
        StoreAssert.JsonEqual(new JsonObject { ["summary"] = "ok ✓", ["n"] = JsonNode.Parse("18446744073709551617") }, done?.Result);
        Assert.Null(done?.Error);

        var failing = await CreateJobAsync(StoreTestData.Job());
        await Store.CommitAsync(new JobCommit { JobId = failing.Id, ExpectedSequence = 1, State = JobState.Failed, Error = "exploded ⚠", FinishedAt = finished }, Ct);
        var failed = await Store.GetJobAsync(failing.Id, Ct);
        Assert.Equal(JobState.Failed, failed?.State);
        Assert.Equal("exploded ⚠", failed?.Error);
        Assert.Null(failed?.Result);
    }

    [Fact]
    public async Task GetEvents_AfterAndLimit_ReturnsSliceInOrder()
    {
        var job = await CreateJobAsync(StoreTestData.Job());
        await Store.CommitAsync(StoreTestData.LogCommit(job.Id, 1, count: 9), Ct);

        Assert.Equal([4L, 5, 6], (await Store.GetEventsAsync(job.Id, 3, 3, Ct)).Select(e => e.Sequence));
        Assert.Equal([9L, 10], (await Store.GetEventsAsync(job.Id, 8, 100, Ct)).Select(e => e.Sequence));
        Assert.Empty(await Store.GetEventsAsync(job.Id, 10, 100, Ct));
        Assert.Empty(await Store.GetEventsAsync(Guid.NewGuid(), 0, 100, Ct));
    }

    [Fact]
    public async Task GetEvents_SlicesCutThroughCommits()
    {
        // A store may keep a commit's events together (SQLite: one row per commit); any slice still reads back exactly.
        var job = StoreTestData.Job() with { LeaseOwner = "node-a", LeaseExpiresAt = StoreTestData.T0.AddMinutes(1) };
        await Store.CommitAsync(StoreTestData.LogCommit(job.Id, 1, count: 3) with
        {
            Create = new NewJob(job, [StoreTestData.QueuedEvent(job)]),
            LeaseOwner = "node-a",
        }, Ct);
        await Store.CommitAsync(StoreTestData.LogCommit(job.Id, 4, count: 1), Ct);
        await Store.CommitAsync(StoreTestData.LogCommit(job.Id, 5, count: 4), Ct);

        var all = await Store.GetEventsAsync(job.Id, 0, 100, Ct);
        Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), all.Select(e => e.Sequence));
        Assert.Equal(["line 2", "line 3", "line 4", "line 5"], all.Skip(1).Take(4).Select(e => e.Text));
        for (var after = 0; after <= 9; after++)
        {
            for (var limit = 1; limit <= 10; limit++)
            {
                var slice = await Store.GetEventsAsync(job.Id, after, limit, Ct);
                StoreAssert.EventsEqual(all.Skip(after).Take(limit).ToList(), slice);
            }
        }
    }

    [Fact]
    public async Task GetEvents_OutputNestedAsDeepAsStoredJsonAllows_ReadsBackBesideOtherEvents()
    {
        // A store that keeps a commit's events together nests an event's output inside them; it must still read back.
        JsonNode deepest = new JsonArray();
        for (var depth = 1; depth < StoredJson.MaxDepth; depth++)
        {
            deepest = new JsonArray(deepest);
        }
        var job = await CreateJobAsync(StoreTestData.Job());
        var commit = StoreTestData.LogCommit(job.Id, 1, count: 2);
        commit = commit with { Events = [commit.Events[0], commit.Events[1] with { Output = deepest }] };

        await Store.CommitAsync(commit, Ct);

        StoreAssert.EventsEqual(commit.Events, await Store.GetEventsAsync(job.Id, 1, 10, Ct));
    }

    [Fact]
    public async Task GetLastSequences_ExistingJobsOnly()
    {
        var a = await CreateJobAsync(StoreTestData.Job());
        var b = await CreateJobAsync(StoreTestData.Job());
        await Store.CommitAsync(StoreTestData.LogCommit(b.Id, 1, count: 3), Ct);

        var last = await Store.GetLastSequencesAsync([a.Id, b.Id, Guid.NewGuid()], Ct);

        Assert.Equal(2, last.Count);
        Assert.Equal(1, last[a.Id]);
        Assert.Equal(4, last[b.Id]);
        Assert.Empty(await Store.GetLastSequencesAsync([], Ct));
    }
}
