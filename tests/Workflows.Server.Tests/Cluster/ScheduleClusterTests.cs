using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Cluster;

/// <summary>
/// A schedule ticking every second on two server processes sharing one PostgreSQL database: both nodes race for every
/// tick, and each tick still starts exactly one job.
/// </summary>
public sealed class ScheduleClusterTests
{
    private static readonly Dictionary<string, string> Apps = new()
    {
        ["tick"] = """
            name: Tick
            blocks:
              - { id: out, type: output, value: "tock" }
            """,
    };

    [PostgresFact]
    public async Task EverySecondOnTwoNodes_OneJobPerTick_NoDuplicates()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var cluster = await Cluster.StartAsync(2, Apps, limit.Token);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        var created = await a.Client.CreateScheduleAsync(
            new CreateScheduleRequest { Schedule = new Schedule { Id = "every-second", AppId = "tick", Cron = "* * * * * *", Overlap = "ALLOW_ALL" } },
            cluster.Auth, cancellationToken: limit.Token);
        Assert.Equal("every-second", created.Schedule.Id);

        // Let it tick for 20 s (both nodes see the schedule within their 5 s refresh), then pause it on the other node.
        var ticking = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        List<Job> jobs;
        while ((jobs = await ScheduledJobsAsync(b.Client, cluster.Auth, limit.Token)).Count < 20 || DateTime.UtcNow < ticking)
        {
            Assert.False(limit.IsCancellationRequested, cluster.Output);
            await Task.Delay(250, limit.Token);
        }

        await b.Client.UpdateScheduleAsync(new UpdateScheduleRequest { ScheduleId = "every-second", Paused = true }, cluster.Auth, cancellationToken: limit.Token);
        jobs = await ScheduledJobsAsync(a.Client, cluster.Auth, limit.Token);

        var ticks = jobs.Select(j => j.ScheduledTime.ToDateTimeOffset()).ToList();
        Assert.Equal(ticks.Count, ticks.Distinct().Count());
        Assert.True(ticks.Count >= 20, $"{ticks.Count} ticks");
        Assert.All(ticks, t => Assert.Equal(0, t.Millisecond));
        // No tick between the first and the last was lost either: consecutive seconds.
        var ordered = ticks.Order().ToList();
        Assert.Equal((ordered[^1] - ordered[0]).TotalSeconds + 1, ordered.Count);
        var read = await a.Client.GetScheduleAsync(new GetScheduleRequest { ScheduleId = "every-second" }, cluster.Auth, cancellationToken: limit.Token);
        Assert.All(read.Schedule.RecentRuns, r => Assert.Equal("started", r.Outcome));
    }

    private static async Task<List<Job>> ScheduledJobsAsync(WorkflowService.WorkflowServiceClient client, Metadata auth, CancellationToken cancellationToken)
    {
        var page = await client.ListJobsAsync(new ListJobsRequest { AppId = "tick", PageSize = 500 }, auth, cancellationToken: cancellationToken);
        return page.Jobs.Where(j => j.ScheduleId == "every-second").ToList();
    }
}
