using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Waits;

/// <summary>
/// A delay is stored data: the job commits, becomes waiting, leaves memory, and the wake loop resumes it from its last
/// commit when due. Its time limit counts running time only, so a wait longer than the limit succeeds.
/// </summary>
public sealed class DelayWaitTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "wf-waits-" + Guid.NewGuid().ToString("N"));

    private WaitServer? _server;

    private WaitServer Server => _server!;

    public async Task InitializeAsync() =>
        // A job time limit shorter than the delay: waiting time must not count.
        _server = await WaitServer.StartAsync(_dataDir, [new("Workflows:Jobs:MaxDuration", "00:00:01")]);

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held on a slow shutdown; the OS cleans the temp dir.
        }
    }

    [Fact]
    public async Task Delay_LongerThanTheTimeLimit_WaitsResumesAndSucceeds()
    {
        var jobId = await Server.StartAsync("main", ("seconds", "1500ms"));

        var waiting = await Server.WatchUntilAsync(jobId, e => e.Type == "job_waiting");
        var job = await Server.GetAsync(jobId);
        var events = await Server.WatchToEndAsync(jobId);
        var final = await Server.GetAsync(jobId);

        Assert.Contains(job.State, new[] { JobState.Waiting, JobState.Running, JobState.Succeeded });
        Assert.Equal(JobState.Succeeded, final.State);
        Assert.Equal("before, after", final.Result.StringValue);
        JobHelpers.AssertGaplessToEnd(events, 1, "job_succeeded");
        var types = events.Select(e => e.Type).ToList();
        var waitIndex = types.IndexOf("job_waiting");
        var resumeIndex = types.IndexOf("job_resumed");
        Assert.True(waitIndex > types.IndexOf("block_started"), string.Join(",", types));
        Assert.True(resumeIndex > waitIndex, string.Join(",", types));
        Assert.True(events.FindIndex(e => e.Type == "block_completed" && e.BlockId == "wait") > resumeIndex);
        Assert.Single(events, e => e.Type == "block_started" && e.BlockId == "wait");
        Assert.Single(events, e => e.Type == "block_completed" && e.BlockId == "before");
        Assert.Equal("wait", waiting.BlockId);
        Assert.Equal("delay", waiting.Data.Fields["reason"].StringValue);
        var wakeAt = DateTimeOffset.Parse(waiting.Data.Fields["wakeAt"].StringValue, System.Globalization.CultureInfo.InvariantCulture);
        var resumed = events[resumeIndex].Time.ToDateTimeOffset();
        Assert.True(resumed >= wakeAt - TimeSpan.FromMilliseconds(5), $"resumed {wakeAt - resumed} before its time");
        Assert.True(resumed < wakeAt + TimeSpan.FromSeconds(1), $"resumed {resumed - wakeAt} after its time");
    }

    [Fact]
    public async Task Delay_WhileWaiting_IsListedAsWaiting()
    {
        var jobId = await Server.StartAsync("main", ("seconds", "30s"));
        await Server.WatchUntilAsync(jobId, e => e.Type == "job_waiting");

        var job = await Server.GetAsync(jobId);
        var listed = await Server.Client.ListJobsAsync(new ListJobsRequest { State = JobState.Waiting }, Server.Auth, JobHelpers.Deadline());

        Assert.Equal(JobState.Waiting, job.State);
        Assert.Contains(listed.Jobs, j => j.Id == jobId);
    }
}
