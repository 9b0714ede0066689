using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Engine.Schedules;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Testing;

/// <summary>The contract of <see cref="IScheduleStore"/> (and the schedule fields of jobs), run against every store through a subclass.</summary>
public abstract class ScheduleStoreTests : IAsyncLifetime
{
    private IScheduleStore? _store;

    /// <summary>The store under test.</summary>
    protected IScheduleStore Store => _store ?? throw new InvalidOperationException("The store is not created yet.");

    private static CancellationToken Ct => CancellationToken.None;

    /// <summary>A new, initialized store over an empty database that belongs to this test instance.</summary>
    protected abstract Task<IScheduleStore> CreateStoreAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    /// <inheritdoc />
    public virtual async Task DisposeAsync() => await Owned.DisposeAsync(_store);

    /// <summary>A schedule with every field set away from its default.</summary>
    public static ScheduleRecord Schedule(string organizationId = "org-a", string id = "nightly") => new()
    {
        Id = id,
        OrganizationId = organizationId,
        AppId = "app-1",
        Workflow = "summarize",
        Variables = new JsonObject { ["text"] = "hello", ["n"] = 2 },
        Cron = "0 3 * * *",
        TimeZone = "Europe/Berlin",
        Overlap = ScheduleOverlap.BufferOne,
        CatchupWindow = TimeSpan.FromSeconds(90),
        Paused = true,
        Source = "app",
        CreatedBy = "token-1",
        CreatedAt = StoreTestData.T0,
        UpdatedAt = StoreTestData.T0.AddSeconds(1),
        TicksFrom = StoreTestData.T0.AddSeconds(2),
    };

    private static ScheduleRun Run(DateTimeOffset tick, string outcome = ScheduleRunOutcomes.Starting, string schedule = "nightly") => new()
    {
        OrganizationId = "org-a",
        ScheduleId = schedule,
        ScheduledTime = tick,
        Outcome = outcome,
        RecordedAt = tick.AddMilliseconds(5),
    };

    [Fact]
    public async Task PutSchedule_ThenGet_RoundTripsEveryField()
    {
        var schedule = Schedule();

        await Store.PutScheduleAsync(schedule, Ct);

        var read = await Store.GetScheduleAsync("org-a", "nightly", Ct);
        Assert.NotNull(read);
        Assert.True(JsonNode.DeepEquals(schedule.Variables, read.Variables));
        Assert.Equal(schedule with { Variables = read.Variables }, read);
        Assert.Null(read.LastTickAt);
    }

    [Fact]
    public async Task PutSchedule_Existing_ReplacesButKeepsCreation()
    {
        await Store.PutScheduleAsync(Schedule(), Ct);

        await Store.PutScheduleAsync(Schedule() with { Cron = "*/5 * * * *", Paused = false, CreatedAt = StoreTestData.T0.AddDays(1) }, Ct);

        var read = await Store.GetScheduleAsync("org-a", "nightly", Ct);
        Assert.Equal(("*/5 * * * *", false), (read!.Cron, read.Paused));
        Assert.Single(await Store.ListSchedulesAsync("org-a", Ct));
    }

    [Fact]
    public async Task ListSchedules_ByOrganizationOrAll_OrderedById()
    {
        await Store.PutScheduleAsync(Schedule("org-a", "b"), Ct);
        await Store.PutScheduleAsync(Schedule("org-a", "a"), Ct);
        await Store.PutScheduleAsync(Schedule("org-b", "c"), Ct);

        Assert.Equal(["a", "b"], (await Store.ListSchedulesAsync("org-a", Ct)).Select(s => s.Id));
        Assert.Equal(["a", "b", "c"], (await Store.ListSchedulesAsync(null, Ct)).Select(s => s.Id));
        Assert.Null(await Store.GetScheduleAsync("org-b", "a", Ct));
    }

    [Fact]
    public async Task TryAddRun_SameTickTwice_SecondIsRefused()
    {
        await Store.PutScheduleAsync(Schedule(), Ct);
        var tick = StoreTestData.T0.AddMinutes(1);

        Assert.True(await Store.TryAddRunAsync(Run(tick), Ct));
        Assert.False(await Store.TryAddRunAsync(Run(tick, ScheduleRunOutcomes.Skipped), Ct));

        var run = Assert.Single(await Store.ListRunsAsync("org-a", "nightly", 10, Ct));
        Assert.Equal(ScheduleRunOutcomes.Starting, run.Outcome);
    }

    [Fact]
    public async Task TryAddRun_ConcurrentClaimsOfOneTick_ExactlyOneWins()
    {
        await Store.PutScheduleAsync(Schedule(), Ct);
        var tick = StoreTestData.T0.AddMinutes(1);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Store.TryAddRunAsync(Run(tick), Ct)));

        Assert.Single(results, won => won);
    }

    [Fact]
    public async Task UpdateRun_SetsOutcomeJobAndError_ListNewestFirstWithLastTick()
    {
        await Store.PutScheduleAsync(Schedule(), Ct);
        var first = StoreTestData.T0.AddMinutes(1);
        var second = StoreTestData.T0.AddMinutes(2);
        await Store.TryAddRunAsync(Run(first), Ct);
        await Store.TryAddRunAsync(Run(second, ScheduleRunOutcomes.Skipped) with { Error = "busy" }, Ct);
        var jobId = Guid.NewGuid();

        Assert.True(await Store.UpdateRunAsync(Run(first, ScheduleRunOutcomes.Started) with { JobId = jobId }, Ct));
        Assert.False(await Store.UpdateRunAsync(Run(StoreTestData.T0, ScheduleRunOutcomes.Started), Ct));

        var runs = await Store.ListRunsAsync("org-a", "nightly", 10, Ct);
        Assert.Equal([second, first], runs.Select(r => r.ScheduledTime));
        Assert.Equal((ScheduleRunOutcomes.Skipped, "busy", (Guid?)null), (runs[0].Outcome, runs[0].Error, runs[0].JobId));
        Assert.Equal((ScheduleRunOutcomes.Started, (Guid?)jobId, first.AddMilliseconds(5)), (runs[1].Outcome, runs[1].JobId, runs[1].RecordedAt));
        Assert.Single(await Store.ListRunsAsync("org-a", "nightly", 1, Ct));
        Assert.Equal(second, (await Store.GetScheduleAsync("org-a", "nightly", Ct))!.LastTickAt);
    }

    [Fact]
    public async Task PruneRuns_KeepsTheNewestAndUnfinishedOnes()
    {
        await Store.PutScheduleAsync(Schedule(), Ct);
        var ticks = Enumerable.Range(0, 6).Select(i => StoreTestData.T0.AddMinutes(i)).ToList();
        await Store.TryAddRunAsync(Run(ticks[0], ScheduleRunOutcomes.Buffered), Ct);
        foreach (var tick in ticks.Skip(1))
        {
            await Store.TryAddRunAsync(Run(tick, ScheduleRunOutcomes.Started), Ct);
        }

        Assert.Equal(2, await Store.PruneRunsAsync("org-a", "nightly", 3, Ct));
        Assert.Equal(0, await Store.PruneRunsAsync("org-a", "nightly", 3, Ct));
        Assert.Equal(0, await Store.PruneRunsAsync("org-a", "other", 3, Ct));

        var left = await Store.ListRunsAsync("org-a", "nightly", 10, Ct);
        Assert.Equal([ticks[5], ticks[4], ticks[3], ticks[0]], left.Select(r => r.ScheduledTime));
    }

    [Fact]
    public async Task DeleteSchedule_RemovesItAndItsRuns()
    {
        await Store.PutScheduleAsync(Schedule(), Ct);
        await Store.TryAddRunAsync(Run(StoreTestData.T0), Ct);

        Assert.True(await Store.DeleteScheduleAsync("org-a", "nightly", Ct));
        Assert.False(await Store.DeleteScheduleAsync("org-a", "nightly", Ct));

        Assert.Null(await Store.GetScheduleAsync("org-a", "nightly", Ct));
        Assert.Empty(await Store.ListRunsAsync("org-a", "nightly", 10, Ct));
    }

    [Fact]
    public async Task CreateJob_WithSchedule_RoundTripsScheduleIdAndTime()
    {
        var jobs = (IJobStore)Store;
        var job = StoreTestData.Job() with { ScheduleId = "nightly", ScheduledTime = StoreTestData.T0.AddHours(1) };

        await jobs.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], Ct);

        var read = await jobs.GetJobAsync(job.Id, Ct);
        Assert.Equal(("nightly", (DateTimeOffset?)StoreTestData.T0.AddHours(1)), (read!.ScheduleId, read.ScheduledTime));
        var listed = (await jobs.ListJobsAsync(new JobQuery("org-a", 10, null), Ct)).Jobs.Single();
        Assert.Equal("nightly", listed.ScheduleId);
    }
}
