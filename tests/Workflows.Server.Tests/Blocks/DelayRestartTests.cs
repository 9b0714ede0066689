using Google.Protobuf.WellKnownTypes;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Blocks;

/// <summary>
/// A delay survives a restart: the server is stopped while a job waits and started again on the same data dir; the job
/// resumes the rest of its wait (it does not start over) and nothing completed before the restart runs again.
/// </summary>
public sealed class DelayRestartTests : IAsyncLifetime
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(3);

    // How long the server stays down at least (counted from the delay's start): long enough that a wait that started
    // over would clearly end later than one that resumed.
    private static readonly TimeSpan Downtime = TimeSpan.FromSeconds(1.5);

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "wf-delay-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

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

    [Fact]
    public async Task Delay_ServerRestartsDuringWait_ResumesRemainingWait()
    {
        string jobId;
        DateTimeOffset waitStarted;
        await using (var first = await WaitServer.StartAsync(_dataDir))
        {
            var run = await first.Client.RunAsync(
                new RunRequest { AppId = "sleepy", Wait = Duration.FromTimeSpan(TimeSpan.Zero) }, first.Auth, JobHelpers.Deadline());
            jobId = run.Job.Id;
            waitStarted = (await first.WatchUntilAsync(jobId, e => e.Type == "block_started" && e.BlockId == "wait")).Time.ToDateTimeOffset();
        }

        // Stopped: the job is left running on purpose. Stay down for a known time, simulating an outage.
        var downFor = waitStarted + Downtime - DateTimeOffset.UtcNow;
        if (downFor > TimeSpan.Zero)
        {
            await Task.Delay(downFor);
        }

        var restartedAt = DateTimeOffset.UtcNow;
        await using var second = await WaitServer.StartAsync(_dataDir);
        var events = await second.WatchToEndAsync(jobId);
        var job = (await second.Client.GetJobAsync(new GetJobRequest { JobId = jobId }, second.Auth, JobHelpers.Deadline())).Job;

        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal("before the wait, after the wait", job.Result.StringValue);
        var created = job.CreateTime.ToDateTimeOffset();
        var finished = job.FinishTime.ToDateTimeOffset();
        var restartTime = restartedAt - waitStarted;
        Assert.True(finished >= created + Delay, $"finished {finished - created} after creation, before the delay was over");
        Assert.True(finished >= waitStarted + Delay - TimeSpan.FromMilliseconds(5), $"finished {finished - waitStarted} after the wait started");

        // A wait that started over would end no earlier than restartedAt + 3 s.
        Assert.True(
            finished < restartedAt + Delay - TimeSpan.FromMilliseconds(500),
            $"finished {finished - restartedAt} after the restart: the wait started over");
        Assert.True(finished < created + Delay + restartTime + Delay);

        JobHelpers.AssertGaplessToEnd(events, 1, "job_succeeded");
        Assert.Single(events, e => e.Type == "block_started" && e.BlockId == "wait");
        // The job waited as data across the restart: it resumed once, when due, on the new server.
        Assert.Single(events, e => e.Type == "job_waiting");
        Assert.Single(events, e => e.Type == "job_resumed");
        foreach (var id in new[] { "before", "wait", "out" })
        {
            Assert.Single(events, e => e.Type == "block_completed" && e.BlockId == id);
        }

        var resumed = events.FindIndex(e => e.Type == "job_resumed");
        Assert.True(events.FindIndex(e => e.Type == "block_completed" && e.BlockId == "before") < resumed);
        Assert.True(events.FindIndex(e => e.Type == "block_completed" && e.BlockId == "wait") > resumed);
    }
}
