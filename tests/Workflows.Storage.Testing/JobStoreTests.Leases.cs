using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Testing;

// Leases decide which node runs which job; node heartbeats say how many nodes share the limits.
public abstract partial class JobStoreTests
{
    private static readonly TimeSpan JobLease = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Create_WithLease_IsReadBack()
    {
        var job = await CreateJobAsync(StoreTestData.Job() with { LeaseOwner = "node-a", LeaseExpiresAt = StoreTestData.T0 + JobLease });

        var stored = await Store.GetJobAsync(job.Id, Ct);

        Assert.Equal("node-a", stored?.LeaseOwner);
        Assert.Equal(StoreTestData.T0 + JobLease, stored?.LeaseExpiresAt);
    }

    [Fact]
    public async Task Claim_TakesUnleasedAndExpiredUnfinishedJobsOnly_OldestFirst()
    {
        var free = await CreateJobAsync(StoreTestData.Job(createdAt: StoreTestData.T0.AddSeconds(2)));
        var expired = await CreateJobAsync(StoreTestData.Job(createdAt: StoreTestData.T0.AddSeconds(1), state: JobState.Running)
            with { LeaseOwner = "dead", LeaseExpiresAt = StoreTestData.T0.AddSeconds(10) });
        await CreateJobAsync(StoreTestData.Job() with { LeaseOwner = "alive", LeaseExpiresAt = StoreTestData.T0.AddMinutes(5) });
        await CreateJobAsync(StoreTestData.Job(state: JobState.Succeeded) with { FinishedAt = StoreTestData.T0 });

        var now = StoreTestData.T0.AddSeconds(10);
        var claimed = await Store.ClaimJobsAsync("node-b", now, JobLease, 10, Ct);

        Assert.Equal([expired.Id, free.Id], claimed.Select(j => j.Id));
        Assert.All(claimed, j => Assert.Equal("node-b", j.LeaseOwner));
        Assert.All(claimed, j => Assert.Equal(now + JobLease, j.LeaseExpiresAt));
        Assert.Equal("node-b", (await Store.GetJobAsync(free.Id, Ct))?.LeaseOwner);
        Assert.Empty(await Store.ClaimJobsAsync("node-c", now, JobLease, 10, Ct));
    }

    [Fact]
    public async Task Claim_RespectsMax()
    {
        for (var i = 0; i < 5; i++)
        {
            await CreateJobAsync(StoreTestData.Job(createdAt: StoreTestData.T0.AddSeconds(i)));
        }

        Assert.Equal(3, (await Store.ClaimJobsAsync("n", StoreTestData.T0, JobLease, 3, Ct)).Count);
        Assert.Equal(2, (await Store.ClaimJobsAsync("n2", StoreTestData.T0, JobLease, 3, Ct)).Count);
    }

    [Fact]
    public async Task Claim_ConcurrentClaimers_NeverGetTheSameJob()
    {
        var jobs = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => CreateJobAsync(StoreTestData.Job(createdAt: StoreTestData.T0.AddMilliseconds(i)))));

        var claims = await Task.WhenAll(Enumerable.Range(0, 6).Select(n =>
            Task.Run(() => Store.ClaimJobsAsync($"node-{n}", StoreTestData.T0, JobLease, 15, Ct))));

        var all = claims.SelectMany(c => c).Select(j => j.Id).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(jobs.Select(j => j.Id).Order(), all.Order());
    }

    [Fact]
    public async Task Renew_ExtendsOwnLeasesOnly_AndNotFinishedJobs()
    {
        var mine = await CreateJobAsync(StoreTestData.Job() with { LeaseOwner = "a", LeaseExpiresAt = StoreTestData.T0 });
        var theirs = await CreateJobAsync(StoreTestData.Job() with { LeaseOwner = "b", LeaseExpiresAt = StoreTestData.T0 });
        var done = await CreateJobAsync(StoreTestData.Job() with { LeaseOwner = "a", LeaseExpiresAt = StoreTestData.T0 });
        await Store.CommitAsync(StoreTestData.LogCommit(done.Id, 1) with { State = JobState.Cancelled, FinishedAt = StoreTestData.T0 }, Ct);

        var now = StoreTestData.T0.AddSeconds(5);
        var renewed = await Store.RenewLeasesAsync("a", [mine.Id, theirs.Id, done.Id, Guid.NewGuid()], now, JobLease, Ct);

        Assert.Equal([mine.Id], renewed);
        Assert.Equal(now + JobLease, (await Store.GetJobAsync(mine.Id, Ct))?.LeaseExpiresAt);
        Assert.Equal(StoreTestData.T0, (await Store.GetJobAsync(theirs.Id, Ct))?.LeaseExpiresAt);
    }

    [Fact]
    public async Task Release_FreesOwnLeasesForImmediateClaim()
    {
        var mine = await CreateJobAsync(StoreTestData.Job() with { LeaseOwner = "a", LeaseExpiresAt = StoreTestData.T0.AddHours(1) });
        var theirs = await CreateJobAsync(StoreTestData.Job() with { LeaseOwner = "b", LeaseExpiresAt = StoreTestData.T0.AddHours(1) });

        await Store.ReleaseLeasesAsync("a", [mine.Id, theirs.Id], Ct);

        Assert.Null((await Store.GetJobAsync(mine.Id, Ct))?.LeaseOwner);
        Assert.Equal("b", (await Store.GetJobAsync(theirs.Id, Ct))?.LeaseOwner);
        Assert.Equal([mine.Id], (await Store.ClaimJobsAsync("c", StoreTestData.T0, JobLease, 10, Ct)).Select(j => j.Id));
    }

    [Fact]
    public async Task Commit_ByANodeThatLostTheLease_IsRefused_AndChangesNothing()
    {
        var job = await CreateJobAsync(StoreTestData.Job() with { LeaseOwner = "a", LeaseExpiresAt = StoreTestData.T0 });
        Assert.Single(await Store.ClaimJobsAsync("b", StoreTestData.T0.AddSeconds(1), JobLease, 10, Ct));

        await Assert.ThrowsAsync<ConcurrencyException>(() => Store.CommitAsync(StoreTestData.LogCommit(job.Id, 1) with { LeaseOwner = "a" }, Ct));
        Assert.Equal(1, (await Store.GetJobAsync(job.Id, Ct))?.LastSequence);

        await Store.CommitAsync(StoreTestData.LogCommit(job.Id, 1) with { LeaseOwner = "b" }, Ct);
        // A writer that is not the runner (a cancel from another node) is guarded by the sequence alone.
        await Store.CommitAsync(StoreTestData.LogCommit(job.Id, 2), Ct);
        Assert.Equal(3, (await Store.GetJobAsync(job.Id, Ct))?.LastSequence);
    }

    [Fact]
    public async Task Heartbeat_CountsLiveNodes()
    {
        var ttl = TimeSpan.FromSeconds(30);

        Assert.Equal(1, await Store.HeartbeatNodeAsync("a", StoreTestData.T0, ttl, Ct));
        Assert.Equal(2, await Store.HeartbeatNodeAsync("b", StoreTestData.T0.AddSeconds(10), ttl, Ct));
        Assert.Equal(2, await Store.HeartbeatNodeAsync("a", StoreTestData.T0.AddSeconds(20), ttl, Ct));
        // b said nothing since T0+10 s, so by T0+45 s it is gone.
        Assert.Equal(1, await Store.HeartbeatNodeAsync("a", StoreTestData.T0.AddSeconds(45), ttl, Ct));
    }
}
