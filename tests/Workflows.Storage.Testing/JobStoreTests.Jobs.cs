using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Testing;

public abstract partial class JobStoreTests
{
    [Fact]
    public async Task CreateJob_EveryField_RoundTrips()
    {
        var id = Guid.NewGuid();
        var job = new JobRecord
        {
            Id = id,
            OrganizationId = "org-ü",
            AppId = "app-日本",
            Workflow = "résumé",
            WorkflowTitle = "Résumé ✓ 😀 \"quoted\" \n newline",
            State = JobState.Succeeded,
            Variables = new JsonObject
            {
                ["text"] = "héllo 世界 😀 \u0000 nul",
                ["big"] = JsonNode.Parse("123456789012345678901234567890"),
                ["precise"] = JsonNode.Parse("0.10000000000000000000001"),
                ["long"] = long.MaxValue,
                ["nested"] = new JsonObject { ["list"] = new JsonArray(1, "two", null, new JsonObject { ["deep"] = true }) },
                ["nothing"] = null,
            },
            CreatedAt = StoreTestData.T0,
            StartedAt = StoreTestData.T0.AddSeconds(1),
            FinishedAt = StoreTestData.T0.AddSeconds(3),
            Result = new JsonObject { ["answer"] = 42, ["text"] = "✓" },
            Error = "partial: ⚠",
            LastSequence = 3,
            CreatedBy = "token-1",
            Creator = "Ünïcode créator",
            CallbackUrl = "https://example.test/callback?a=1&b=2",
            ProgressUrl = "https://example.test/progress",
            IdempotencyKey = "key-ü",
            Dialect = "apps",
            Budget = new JobBudget(0.5m, 20_000),
            RerunOf = Guid.NewGuid(),
            DefinitionHash = new string('a', 64),
            ScheduleId = "nightly",
            ScheduledTime = StoreTestData.T0.AddMinutes(-1),
        };
        JobEvent[] events =
        [
            new(id, 1, JobEventTypes.JobQueued, StoreTestData.T0),
            new(id, 2, JobEventTypes.BlockCompleted, StoreTestData.T0.AddMilliseconds(1500))
            {
                BlockId = "b1",
                BlockType = "llm",
                Text = "σ text",
                Duration = TimeSpan.FromTicks(12_345_678_901),
                Output = JsonNode.Parse("""{"n":98765432109876543210,"s":"😀","a":[[[]]]}"""),
                Error = "none",
                Data = new JsonObject { ["tokens"] = new JsonObject { ["in"] = 10, ["out"] = 20 } },
            },
            new(id, 3, JobEventTypes.JobSucceeded, StoreTestData.T0.AddSeconds(3)) { Output = "plain string" },
        ];

        await Store.CreateJobAsync(job, events, Ct);

        StoreAssert.JobEqual(job, await Store.GetJobAsync("org-ü", id, Ct));
        StoreAssert.JobEqual(job, await Store.GetJobAsync(id, Ct));
        StoreAssert.EventsEqual(events, await Store.GetEventsAsync(id, 0, 100, Ct));
    }

    [Fact]
    public async Task CreateJob_OptionalFieldsAbsent_RoundTrips()
    {
        var job = StoreTestData.Job() with { Variables = [] };

        await CreateJobAsync(job);

        var stored = await Store.GetJobAsync(job.OrganizationId, job.Id, Ct);
        StoreAssert.JobEqual(job, stored);
        Assert.Null(stored!.StartedAt);
        Assert.Null(stored.Result);
        Assert.Null(stored.IdempotencyKey);
        Assert.Equal("native", stored.Dialect);
    }

    [Fact]
    public async Task GetJob_OtherOrganizationOrUnknown_ReturnsNull()
    {
        var job = await CreateJobAsync(StoreTestData.Job("org-a"));

        Assert.Null(await Store.GetJobAsync("org-b", job.Id, Ct));
        Assert.Null(await Store.GetJobAsync("org-a", Guid.NewGuid(), Ct));
        Assert.Null(await Store.GetJobAsync(Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task CreateJob_EventsNotNumberedFromOne_ThrowsArgumentException()
    {
        var job = StoreTestData.Job() with { LastSequence = 2 };

        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            Store.CreateJobAsync(job, [StoreTestData.Log(job.Id, 2), StoreTestData.Log(job.Id, 3)], Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            Store.CreateJobAsync(job with { LastSequence = 5 }, [StoreTestData.Log(job.Id, 1), StoreTestData.Log(job.Id, 2)], Ct));

        Assert.Null(await Store.GetJobAsync(job.Id, Ct));
    }

    [Fact]
    public async Task CreateJob_DuplicateIdempotencyKeyInOrganization_ThrowsConcurrencyException()
    {
        var first = await CreateJobAsync(StoreTestData.Job("org-a", idempotencyKey: "k1"));

        await Assert.ThrowsAsync<ConcurrencyException>(() => CreateJobAsync(StoreTestData.Job("org-a", idempotencyKey: "k1")));
        var otherOrg = await CreateJobAsync(StoreTestData.Job("org-b", idempotencyKey: "k1"));

        Assert.Equal(first.Id, (await Store.FindByIdempotencyKeyAsync("org-a", "k1", Ct))?.Id);
        Assert.Equal(otherOrg.Id, (await Store.FindByIdempotencyKeyAsync("org-b", "k1", Ct))?.Id);
    }

    [Fact]
    public async Task FindByIdempotencyKey_ScopedToOrganization()
    {
        var job = await CreateJobAsync(StoreTestData.Job("org-a", idempotencyKey: "abc"));
        await CreateJobAsync(StoreTestData.Job("org-a"));

        StoreAssert.JobEqual(job, await Store.FindByIdempotencyKeyAsync("org-a", "abc", Ct));
        Assert.Null(await Store.FindByIdempotencyKeyAsync("org-b", "abc", Ct));
        Assert.Null(await Store.FindByIdempotencyKeyAsync("org-a", "other", Ct));
    }

    [Fact]
    public async Task ListUnfinishedJobs_QueuedAndRunningOfAllOrganizations_OldestFirst()
    {
        var running = await CreateJobAsync(StoreTestData.Job("org-b", createdAt: StoreTestData.T0.AddMinutes(2)));
        await Store.CommitAsync(new JobCommit { JobId = running.Id, ExpectedSequence = 1, State = JobState.Running }, Ct);
        var queued = await CreateJobAsync(StoreTestData.Job("org-a", createdAt: StoreTestData.T0.AddMinutes(1)));
        var done = await CreateJobAsync(StoreTestData.Job("org-a", createdAt: StoreTestData.T0));
        await Store.CommitAsync(new JobCommit { JobId = done.Id, ExpectedSequence = 1, State = JobState.Cancelled }, Ct);
        var newest = await CreateJobAsync(StoreTestData.Job("org-c", createdAt: StoreTestData.T0.AddMinutes(3)));

        var unfinished = await Store.ListUnfinishedJobsAsync(Ct);

        StoreAssert.IdsEqual([queued.Id, running.Id, newest.Id], unfinished);
        Assert.Equal(JobState.Running, unfinished[1].State);
    }

    [Fact]
    public async Task Reopen_EverythingSurvives()
    {
        var job = await CreateJobAsync(StoreTestData.Job(idempotencyKey: "durable"));
        var message = StoreTestData.Message(job);
        await Store.CommitAsync(new JobCommit
        {
            JobId = job.Id,
            ExpectedSequence = 1,
            Events = [StoreTestData.Log(job.Id, 2, "kept ✓")],
            Outputs = [new BlockOutput("a", new JsonObject { ["x"] = 1 })],
            Posts = [new JobPost("p1", "a", "assistant", "hello", StoreTestData.T0)],
            State = JobState.Succeeded,
            Result = "done",
            Outbox = [message],
        }, Ct);

        await ReopenAsync();

        var stored = await Store.GetJobAsync(job.OrganizationId, job.Id, Ct);
        Assert.Equal(JobState.Succeeded, stored?.State);
        Assert.Equal(2, stored?.LastSequence);
        StoreAssert.JsonEqual("done", stored?.Result);
        Assert.Equal("kept ✓", (await Store.GetEventsAsync(job.Id, 1, 10, Ct)).Single().Text);
        StoreAssert.JsonEqual(new JsonObject { ["x"] = 1 }, (await Store.GetOutputsAsync(job.Id, Ct))["a"]);
        Assert.Equal("p1", (await Store.GetPostsAsync(job.Id, Ct)).Single().Id);
        StoreAssert.MessageEqual(message, (await Store.ListDeliveriesAsync(job.Id, Ct)).Single());
        Assert.Equal(job.Id, (await Store.FindByIdempotencyKeyAsync(job.OrganizationId, "durable", Ct))?.Id);
        // The reopened store writes (a new job) and still holds the finished one final.
        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.CommitAsync(StoreTestData.LogCommit(job.Id, 2), Ct));
        var next = await CreateJobAsync(StoreTestData.Job());
        await Store.CommitAsync(StoreTestData.LogCommit(next.Id, 1), Ct);
    }
}
