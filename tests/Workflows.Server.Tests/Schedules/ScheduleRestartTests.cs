using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Engine.Schedules;
using Workflows.Engine.Storage;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Schedules;

/// <summary>
/// Schedules across a restart: the server is stopped, its clock moved past a tick, and started again on the same data
/// dir (SQLite). The missed tick is started once when it is inside the schedule's catch-up window, and not at all
/// when it is older.
/// </summary>
public sealed class ScheduleRestartTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "wf-sched-" + Guid.NewGuid().ToString("N"));
    private readonly AdjustableTimeProvider _time = new();

    private string AppsDir => Path.Combine(_dataDir, "apps");

    public Task InitializeAsync()
    {
        TestHost.CopyApps(AppsDir);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open on a slow shutdown; the temp dir is cleaned by the OS.
        }

        return Task.CompletedTask;
    }

    private async Task<WebApplication> StartAsync()
    {
        var app = TestHost.Build($"http://127.0.0.1:{FreePort.Next()}", $"http://127.0.0.1:{FreePort.Next()}", _dataDir, AppsDir, [], _time);
        await app.StartAsync();
        return app;
    }

    private static Task<ScheduleDetails> Create(WebApplication app, string id, TimeSpan catchup) =>
        app.Services.GetRequiredService<ScheduleService>().CreateAsync("default", new ScheduleSpec
        {
            Id = id,
            AppId = "blog",
            Cron = "0 * * * *",
            CatchupWindow = catchup,
            Variables = new JsonObject { ["topic"] = "restart" },
        }, "test", Ct);

    [Fact]
    public async Task Restart_TickMissedWhileDown_StartedOnceInsideCatchupWindowOnly()
    {
        DateTimeOffset tick;
        await using (var first = await StartAsync())
        {
            await Create(first, "inside", TimeSpan.FromMinutes(10));
            await Create(first, "outside", TimeSpan.FromSeconds(30));
            tick = (await first.Services.GetRequiredService<ScheduleService>().GetAsync("default", "inside", Ct)).NextRunTimes[0];
            await first.StopAsync();
        }

        // Down over the tick: it is two minutes old when the server is back.
        _time.Advance(tick - _time.GetUtcNow() + TimeSpan.FromMinutes(2));
        await using var second = await StartAsync();
        var schedules = second.Services.GetRequiredService<IScheduleStore>();
        var deadline = DateTime.UtcNow + JobHelpers.Timeout;
        IReadOnlyList<ScheduleRun> runs;
        while ((runs = await schedules.ListRunsAsync("default", "inside", 10, Ct)).All(r => r.JobId is null))
        {
            Assert.True(DateTime.UtcNow < deadline, "the missed tick was not started after the restart");
            await Task.Delay(20);
        }

        // Another pass (as another wake-up or node would run) starts nothing more.
        await second.Services.GetRequiredService<Scheduler>().PassAsync(Ct);
        runs = await schedules.ListRunsAsync("default", "inside", 10, Ct);
        var run = Assert.Single(runs);
        Assert.Equal((tick, ScheduleRunOutcomes.Started), (run.ScheduledTime, run.Outcome));
        var jobs = (await second.Services.GetRequiredService<IJobStore>().ListJobsAsync(new JobQuery("default", 100, null), Ct)).Jobs;
        var job = Assert.Single(jobs, j => j.ScheduleId == "inside");
        Assert.Equal((run.JobId, (DateTimeOffset?)tick), (job.Id, job.ScheduledTime));
        Assert.DoesNotContain(jobs, j => j.ScheduleId == "outside");
        Assert.Empty(await schedules.ListRunsAsync("default", "outside", 10, Ct));
    }
}
