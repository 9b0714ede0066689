using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Testing;

public abstract partial class JobStoreTests
{
    [Fact]
    public async Task Commit_200ConcurrentCommitsTo50Jobs_AllLandWithCorrectSequences()
    {
        var jobs = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => CreateJobAsync(StoreTestData.Job())));

        // Each job gets four commits in order; the 50 jobs commit in parallel, so the store sees 200 overlapping commits.
        await Task.WhenAll(jobs.Select(job => Task.Run(async () =>
        {
            var sequence = 1L;
            for (var i = 0; i < 4; i++)
            {
                await Store.CommitAsync(StoreTestData.LogCommit(job.Id, sequence, count: 2), Ct);
                sequence += 2;
            }
        })));

        foreach (var job in jobs)
        {
            Assert.Equal(9, (await Store.GetJobAsync(job.Id, Ct))?.LastSequence);
            var events = await Store.GetEventsAsync(job.Id, 0, 100, Ct);
            Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), events.Select(e => e.Sequence));
            Assert.All(events, e => Assert.Equal(job.Id, e.JobId));
        }
    }

    [Fact]
    public async Task Commit_OneStaleAmongConcurrentCommits_OnlyThatOneFails()
    {
        var jobs = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => CreateJobAsync(StoreTestData.Job())));
        var stale = jobs[17];

        var attempts = jobs
            .Select(job => Task.Run(() => Store.CommitAsync(StoreTestData.LogCommit(job.Id, job == stale ? 5 : 1), Ct)))
            .ToList();
        await Assert.ThrowsAsync<ConcurrencyException>(() => attempts[17]);
        await Task.WhenAll(attempts.Where((_, i) => i != 17));

        foreach (var job in jobs)
        {
            Assert.Equal(job == stale ? 1 : 2, (await Store.GetJobAsync(job.Id, Ct))?.LastSequence);
        }
    }

    [Fact]
    public async Task Commit_RacingWritersOnOneJob_ExactlyOneWins()
    {
        var job = await CreateJobAsync(StoreTestData.Job());

        var attempts = Enumerable.Range(0, 10)
            .Select(_ => Task.Run(() => Store.CommitAsync(StoreTestData.LogCommit(job.Id, 1), Ct)))
            .ToList();
        try
        {
            await Task.WhenAll(attempts);
        }
        catch (ConcurrencyException)
        {
            // Inspected per task below.
        }

        Assert.Equal(1, attempts.Count(task => task.IsCompletedSuccessfully));
        Assert.All(attempts.Where(task => !task.IsCompletedSuccessfully), task => Assert.IsType<ConcurrencyException>(task.Exception?.InnerException));
        Assert.Equal(2, (await Store.GetEventsAsync(job.Id, 0, 100, Ct)).Count);
    }

    [Fact]
    public async Task CreateJob_ConcurrentWithSameIdempotencyKey_OneWinsOthersConflict()
    {
        var attempts = Enumerable.Range(0, 8)
            .Select(_ => Task.Run(() => CreateJobAsync(StoreTestData.Job(idempotencyKey: "same"))))
            .ToList();
        try
        {
            await Task.WhenAll(attempts);
        }
        catch (ConcurrencyException)
        {
            // Inspected per task below.
        }

        var winner = await Assert.Single(attempts, task => task.IsCompletedSuccessfully);
        Assert.Equal(winner.Id, (await Store.FindByIdempotencyKeyAsync("org-a", "same", Ct))?.Id);
        Assert.Single((await Store.ListJobsAsync(new JobQuery("org-a", 50, null), Ct)).Jobs);
    }
}
