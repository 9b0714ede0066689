using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Engine.Schedules;
using Workflows.Engine.Storage;
using Workflows.Engine.Tests.Jobs;

namespace Workflows.Engine.Tests.Schedules;

/// <summary>The scheduler's passes on the in-memory store; the clock only moves when a test moves it.</summary>
public sealed class SchedulerTests : IAsyncLifetime, IAsyncDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly JobRuntimeHarness _runtime = new();

    public Task InitializeAsync() => Task.WhenAll(
        _runtime.PutAppAsync("echo", """
            name: Echo
            launchVariables:
              who: { type: string, default: world }
            blocks:
              - { id: out, type: test-output, value: "hi {{$launchVariables->who}}" }
            """),
        _runtime.PutAppAsync("forever", """
            name: Forever
            blocks:
              - { id: g, type: exec-gate, wait: never }
            """));

    public Task DisposeAsync() => Task.CompletedTask;

    async ValueTask IAsyncDisposable.DisposeAsync() => await _runtime.DisposeAsync();

    // The harness clock starts at 03:04:05; every-ten-seconds ticks fall on :10, :20, ...
    private Task<ScheduleDetails> CreateAsync(string app, string overlap = "SKIP", string cron = "*/10 * * * * *", TimeSpan? catchup = null) =>
        _runtime.Schedules.CreateAsync(JobRuntimeHarness.Org, new ScheduleSpec
        {
            Id = "s1",
            AppId = app,
            Cron = cron,
            Overlap = overlap,
            CatchupWindow = catchup,
            Variables = new JsonObject { ["who"] = "cron" },
        }, "token-1", Ct);

    private async Task<IReadOnlyList<JobRecord>> JobsAsync() =>
        (await _runtime.Store.ListJobsAsync(new JobQuery(JobRuntimeHarness.Org, 100, null), Ct)).Jobs;

    private async Task<IReadOnlyList<ScheduleRun>> RunsAsync() =>
        await _runtime.ScheduleStore.ListRunsAsync(JobRuntimeHarness.Org, "s1", 100, Ct);

    private async Task PassAtAsync(TimeSpan advance)
    {
        _runtime.Time.Advance(advance);
        await _runtime.Scheduler.PassAsync(Ct);
    }

    [Fact]
    public async Task Pass_TickDue_StartsOneJobCarryingScheduleAndTick()
    {
        await CreateAsync("echo");

        await PassAtAsync(TimeSpan.FromSeconds(5));   // 03:04:10
        await _runtime.Scheduler.PassAsync(Ct);       // the same tick again: nothing new

        var job = Assert.Single(await JobsAsync());
        Assert.Equal("s1", job.ScheduleId);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 10, TimeSpan.Zero), job.ScheduledTime);
        Assert.Equal("cron", job.Variables["who"]!.GetValue<string>());
        Assert.Null(job.Creator);   // no caller started it
        var run = Assert.Single(await RunsAsync());
        Assert.Equal((ScheduleRunOutcomes.Started, job.Id), (run.Outcome, run.JobId));
        Assert.Equal(JobState.Succeeded, (await _runtime.CompletionAsync(job.Id)).State);
    }

    [Fact]
    public async Task Pass_ReturnsNextTickAsWakeTime()
    {
        await CreateAsync("echo");

        var next = await _runtime.Scheduler.PassAsync(Ct);

        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 10, TimeSpan.Zero), next);
    }

    [Fact]
    public async Task Pass_MissedTicks_StartsOnlyThoseInsideCatchupWindowOnceEach()
    {
        await CreateAsync("echo", overlap: "ALLOW_ALL", catchup: TimeSpan.FromSeconds(30));

        await PassAtAsync(TimeSpan.FromSeconds(100)); // 03:05:45: ticks :20, :30, :40 are inside 30 s
        await _runtime.Scheduler.PassAsync(Ct);

        var ticks = (await JobsAsync()).Select(j => j.ScheduledTime!.Value.Second).Order().ToList();
        Assert.Equal([20, 30, 40], ticks);
    }

    [Fact]
    public async Task Pass_Skip_PreviousUnfinished_RecordsSkipAndStartsNothing()
    {
        await CreateAsync("forever");

        await PassAtAsync(TimeSpan.FromSeconds(5));
        await PassAtAsync(TimeSpan.FromSeconds(10));

        var job = Assert.Single(await JobsAsync());
        var runs = await RunsAsync();
        Assert.Equal([ScheduleRunOutcomes.Skipped, ScheduleRunOutcomes.Started], runs.Select(r => r.Outcome));
        Assert.Contains(job.Id.ToString(), runs[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pass_BufferOne_StartsOneBufferedTickAfterThePreviousEnds()
    {
        await CreateAsync("forever", overlap: "BUFFER_ONE");
        await PassAtAsync(TimeSpan.FromSeconds(5));   // :10 starts
        await PassAtAsync(TimeSpan.FromSeconds(10));  // :20 buffered
        await PassAtAsync(TimeSpan.FromSeconds(10));  // :30 skipped: one is buffered already
        var first = Assert.Single(await JobsAsync());

        await _runtime.Jobs.CancelAsync(JobRuntimeHarness.Org, first.Id, "done", Ct);
        await _runtime.Scheduler.PassAsync(Ct);

        var jobs = await JobsAsync();
        Assert.Equal(2, jobs.Count);
        var buffered = jobs.Single(j => j.Id != first.Id);
        Assert.Equal(20, buffered.ScheduledTime!.Value.Second);
        Assert.Equal(
            [ScheduleRunOutcomes.Skipped, ScheduleRunOutcomes.Started, ScheduleRunOutcomes.Started],
            (await RunsAsync()).Select(r => r.Outcome));
    }

    [Fact]
    public async Task Pass_CancelOther_CancelsTheRunningJobThenStarts()
    {
        await CreateAsync("forever", overlap: "CANCEL_OTHER");
        await PassAtAsync(TimeSpan.FromSeconds(5));
        var first = Assert.Single(await JobsAsync());

        await PassAtAsync(TimeSpan.FromSeconds(10));

        var jobs = await JobsAsync();
        Assert.Equal(2, jobs.Count);
        var cancelled = await _runtime.Store.GetJobAsync(first.Id, Ct);
        Assert.Equal(JobState.Cancelled, cancelled!.State);
        Assert.Contains("schedule 's1'", cancelled.Error, StringComparison.Ordinal);
        Assert.False(jobs.Single(j => j.Id != first.Id).State.IsTerminal());
    }

    [Fact]
    public async Task Pass_AllowAll_StartsWhileThePreviousRuns()
    {
        await CreateAsync("forever", overlap: "ALLOW_ALL");

        await PassAtAsync(TimeSpan.FromSeconds(5));
        await PassAtAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, (await JobsAsync()).Count(j => !j.State.IsTerminal()));
    }

    [Fact]
    public async Task Pass_Paused_StartsNothing_ResumeDoesNotCatchUp()
    {
        await CreateAsync("echo");
        await _runtime.Schedules.UpdateAsync(JobRuntimeHarness.Org, "s1", new ScheduleUpdate { Paused = true }, Ct);
        await PassAtAsync(TimeSpan.FromSeconds(25));  // :10 and :20 pass while paused
        Assert.Empty(await JobsAsync());

        var resumed = await _runtime.Schedules.UpdateAsync(JobRuntimeHarness.Org, "s1", new ScheduleUpdate { Paused = false }, Ct);
        await _runtime.Scheduler.PassAsync(Ct);
        Assert.Empty(await JobsAsync());
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 40, TimeSpan.Zero), resumed.NextRunTimes[0]);

        await PassAtAsync(TimeSpan.FromSeconds(10));  // :40
        Assert.Equal(40, Assert.Single(await JobsAsync()).ScheduledTime!.Value.Second);
    }

    [Fact]
    public async Task Pass_DaylightSavingGap_TickRunsOnceAtTheGapsEnd()
    {
        _runtime.Time.SetUtcNow(new DateTimeOffset(2026, 3, 29, 0, 50, 0, TimeSpan.Zero));
        await CreateAsync("echo", cron: "30 2 * * *", overlap: "ALLOW_ALL");
        await _runtime.Schedules.UpdateAsync(JobRuntimeHarness.Org, "s1", new ScheduleUpdate { TimeZone = "Europe/Berlin" }, Ct);

        await PassAtAsync(TimeSpan.FromMinutes(10));  // 01:00 UTC = 03:00 CEST, the end of the gap
        await PassAtAsync(TimeSpan.FromMinutes(40));

        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), Assert.Single(await JobsAsync()).ScheduledTime);
    }

    [Fact]
    public async Task Trigger_StartsAJobNowWithoutRecordingATick()
    {
        await CreateAsync("echo");

        var job = await _runtime.Schedules.TriggerAsync(JobRuntimeHarness.Org, "s1", "token-2", Ct, creator: "alice");

        Assert.Equal("s1", job.ScheduleId);
        Assert.Equal("alice", job.Creator);
        Assert.Equal(_runtime.Time.GetUtcNow(), job.ScheduledTime);
        Assert.Empty(await RunsAsync());
    }

    [Fact]
    public async Task Create_ReadsBackNextRunTimesAndDefaults()
    {
        var created = await CreateAsync("echo");

        Assert.Equal(5, created.NextRunTimes.Count);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 10, TimeSpan.Zero), created.NextRunTimes[0]);
        Assert.Equal(TimeSpan.FromSeconds(60), created.Schedule.CatchupWindow);
        Assert.Equal(("UTC", "main", ScheduleOverlap.Skip), (created.Schedule.TimeZone, created.Schedule.Workflow, created.Schedule.Overlap));
        var again = await Assert.ThrowsAsync<EngineException>(() => CreateAsync("echo"));
        Assert.Equal(EngineErrorKind.AlreadyExists, again.Kind);
    }

    [Theory]
    [InlineData("cron", "nope", null, null, null, "cron")]
    [InlineData("zone", "* * * * *", "Nowhere/City", null, null, "time_zone")]
    [InlineData("app", "* * * * *", null, "missing", null, "app_id")]
    [InlineData("overlap", "* * * * *", null, null, "SOMETIMES", "overlap")]
    [InlineData("catchup", "* * * * *", null, null, "-5", "catchup_window")]
    public async Task Create_BadField_InvalidArgumentNamingIt(string _, string cron, string? zone, string? app, string? overlapOrCatchup, string field)
    {
        var spec = new ScheduleSpec
        {
            AppId = app ?? "echo",
            Cron = cron,
            TimeZone = zone,
            Overlap = field == "overlap" ? overlapOrCatchup : null,
            CatchupWindow = field == "catchup_window" ? TimeSpan.FromSeconds(-5) : null,
        };

        var ex = await Assert.ThrowsAsync<EngineException>(() => _runtime.Schedules.CreateAsync(JobRuntimeHarness.Org, spec, "t", Ct));

        Assert.Equal(EngineErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_WakesForTheTickAndStartsIt()
    {
        await CreateAsync("echo");
        await _runtime.Scheduler.StartAsync(Ct);
        try
        {
            _runtime.Time.Advance(TimeSpan.FromSeconds(5));
            var deadline = DateTime.UtcNow + JobRuntimeHarness.Deadline;
            IReadOnlyList<JobRecord> jobs;
            while ((jobs = await JobsAsync()).Count == 0 && DateTime.UtcNow < deadline)
            {
                // Polls the store (with a deadline) while the scheduler's own loop does the work.
                await Task.Delay(20);
            }

            Assert.Equal(10, Assert.Single(jobs).ScheduledTime!.Value.Second);
        }
        finally
        {
            await _runtime.Scheduler.StopAsync(Ct);
        }
    }
}
