using Google.Protobuf.WellKnownTypes;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Reliability;

/// <summary>
/// The two time limits as configured: <c>Workflows:Jobs:BlockTimeout</c> for one block, <c>Workflows:Jobs:MaxDuration</c>
/// for the whole job. The gated app's gate never opens, so each test lasts about its limit.
/// </summary>
public sealed class TimeoutTests
{
    [Fact]
    public async Task Run_BlockRunsPastDefaultBlockTimeout_JobFailsNamingTheBlock()
    {
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?> { ["Workflows:Jobs:BlockTimeout"] = "00:00:00.300" });

        var (job, events) = await RunGatedToEndAsync(server);

        Assert.Equal(JobState.Failed, job.State);
        Assert.Equal("block 'wait' timed out after 300ms", job.Error);
        var failed = Assert.Single(events, e => e.Type == "block_failed");
        Assert.Equal(("wait", "block 'wait' timed out after 300ms"), (failed.BlockId, failed.Error));
        Assert.True(failed.Duration.ToTimeSpan() >= TimeSpan.FromMilliseconds(290), failed.Duration.ToString());
        JobHelpers.AssertGaplessToEnd(events, 1, "job_failed");
    }

    [Fact]
    public async Task Run_JobRunsPastMaxDuration_JobFailsWithTimeLimit()
    {
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?> { ["Workflows:Jobs:MaxDuration"] = "00:00:00.500" });

        var (job, events) = await RunGatedToEndAsync(server);

        Assert.Equal(JobState.Failed, job.State);
        Assert.StartsWith("job exceeded its time limit", job.Error, StringComparison.Ordinal);
        Assert.True(job.FinishTime.ToDateTimeOffset() - job.StartTime.ToDateTimeOffset() >= TimeSpan.FromMilliseconds(490));
        JobHelpers.AssertGaplessToEnd(events, 1, "job_failed");
        Assert.Contains(events, e => e.Type == "block_started" && e.BlockId == "wait");
    }

    private static async Task<(Job Job, List<JobEvent> Events)> RunGatedToEndAsync(InProcessServer server)
    {
        var auth = InProcessServer.Bearer(server.Token("default"));
        var run = await server.Grpc().RunAsync(
            new RunRequest
            {
                AppId = "gated",
                Variables = JobHelpers.Vars(("gate", "never-" + Guid.NewGuid().ToString("N"))),
                Wait = Duration.FromTimeSpan(TimeSpan.Zero),
            },
            auth,
            JobHelpers.Deadline());
        using var call = server.Grpc().WatchJob(new WatchJobRequest { JobId = run.Job.Id }, auth, JobHelpers.Deadline());
        var events = new List<JobEvent>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            events.Add(call.ResponseStream.Current.Event);
        }

        var job = (await server.Grpc().GetJobAsync(new GetJobRequest { JobId = run.Job.Id }, auth, JobHelpers.Deadline())).Job;
        return (job, events);
    }
}
