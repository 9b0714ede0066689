using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Testing;

public abstract partial class JobStoreTests
{
    [Fact]
    public async Task Prune_FinishedBeforeCutoff_DeletesJobWithEverythingOfItsAndKeepsTheRest()
    {
        var cutoff = StoreTestData.T0.AddDays(30);
        var old = await FinishedJobAsync(StoreTestData.T0.AddDays(1));
        var recent = await FinishedJobAsync(cutoff.AddMilliseconds(1));
        var atCutoff = await FinishedJobAsync(cutoff);
        var unfinished = await CreateJobAsync(StoreTestData.Job(createdAt: StoreTestData.T0));
        await Store.CommitAsync(new JobCommit
        {
            JobId = unfinished.Id,
            ExpectedSequence = 1,
            Events = [StoreTestData.Log(unfinished.Id, 2)],
            State = JobState.Running,
            StartedAt = StoreTestData.T0,
        }, Ct);

        var pruned = await Store.PruneAsync(cutoff, 100, Ct);

        Assert.Equal([old.Id], pruned);
        Assert.Null(await Store.GetJobAsync(old.Id, Ct));
        Assert.Empty(await Store.GetEventsAsync(old.Id, 0, 100, Ct));
        Assert.Empty(await Store.GetOutputsAsync(old.Id, Ct));
        Assert.Empty(await Store.GetPostsAsync(old.Id, Ct));
        Assert.Empty(await Store.ListDeliveriesAsync(old.Id, Ct));
        Assert.Null(await Store.FindByIdempotencyKeyAsync(old.OrganizationId, old.IdempotencyKey!, Ct));

        foreach (var kept in new[] { recent, atCutoff })
        {
            Assert.NotNull(await Store.GetJobAsync(kept.Id, Ct));
            Assert.Equal(3, (await Store.GetEventsAsync(kept.Id, 0, 100, Ct)).Count);
            Assert.Single(await Store.GetOutputsAsync(kept.Id, Ct));
            Assert.Single(await Store.GetPostsAsync(kept.Id, Ct));
            Assert.Single(await Store.ListDeliveriesAsync(kept.Id, Ct));
        }

        Assert.Equal(JobState.Running, (await Store.GetJobAsync(unfinished.Id, Ct))?.State);
        Assert.Empty(await Store.PruneAsync(cutoff, 100, Ct));
    }

    [Fact]
    public async Task Prune_InBatches_OldestFirstUntilNoneLeft()
    {
        var jobs = new List<JobRecord>();
        for (var i = 0; i < 5; i++)
        {
            // Created newest first, so the order of deletion is the finish time's, not the insertion's.
            jobs.Add(await FinishedJobAsync(StoreTestData.T0.AddHours(10 - i)));
        }

        var first = await Store.PruneAsync(StoreTestData.T0.AddDays(1), 2, Ct);
        var second = await Store.PruneAsync(StoreTestData.T0.AddDays(1), 2, Ct);
        var third = await Store.PruneAsync(StoreTestData.T0.AddDays(1), 2, Ct);

        Assert.Equal([jobs[4].Id, jobs[3].Id], first);
        Assert.Equal([jobs[2].Id, jobs[1].Id], second);
        Assert.Equal([jobs[0].Id], third);
        Assert.Empty((await Store.ListJobsAsync(new JobQuery("org-a", 10, null), Ct)).Jobs);
    }

    [Fact]
    public async Task Prune_SurvivesReopen()
    {
        var old = await FinishedJobAsync(StoreTestData.T0);
        Assert.Equal([old.Id], await Store.PruneAsync(StoreTestData.T0.AddDays(1), 10, Ct));

        await ReopenAsync();

        Assert.Null(await Store.GetJobAsync(old.Id, Ct));
        Assert.Empty(await Store.GetEventsAsync(old.Id, 0, 100, Ct));
    }

    // A succeeded job with an output, a post and a callback delivery, finished at the given time.
    private async Task<JobRecord> FinishedJobAsync(DateTimeOffset finishedAt)
    {
        var job = await CreateJobAsync(StoreTestData.Job(createdAt: finishedAt.AddMinutes(-1), idempotencyKey: "key-" + Guid.NewGuid().ToString("N")));
        await Store.CommitAsync(new JobCommit
        {
            JobId = job.Id,
            ExpectedSequence = 1,
            Events = [StoreTestData.Log(job.Id, 2), new JobEvent(job.Id, 3, JobEventTypes.JobSucceeded, finishedAt)],
            Outputs = [new BlockOutput("a", "out")],
            Posts = [new JobPost("p-" + job.Id.ToString("N"), "a", "assistant", "hello", finishedAt)],
            State = JobState.Succeeded,
            StartedAt = job.CreatedAt,
            FinishedAt = finishedAt,
            Result = "out",
            Outbox = [StoreTestData.Message(job)],
        }, Ct);
        return job with { State = JobState.Succeeded, FinishedAt = finishedAt, LastSequence = 3 };
    }
}
