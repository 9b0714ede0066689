using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Storage.Testing;

namespace Workflows.Storage.Postgres.Tests;

/// <summary>Leases, fencing and heartbeats, including two store instances (two nodes) over one database.</summary>
public sealed class PostgresLeaseTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset Now = StoreTestData.T0.AddHours(1);
    private PostgresDatabase _database = null!;
    private PostgresStore _nodeA = null!;
    private PostgresStore _nodeB = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        _nodeA = await _database.OpenAsync();
        _nodeB = await _database.OpenAsync();
    }

    public async Task DisposeAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        await _database.DropAsync();
    }

    [Fact]
    public async Task CreateJob_LeaseFields_RoundTrip()
    {
        var job = await CreateAsync(StoreTestData.Job() with { LeaseOwner = "node-a", LeaseExpiresAt = Now + Lease });

        StoreAssert.JobEqual(job, await _nodeB.GetJobAsync(job.OrganizationId, job.Id, Ct));
        StoreAssert.JobEqual(job, Assert.Single(await _nodeB.ListUnfinishedJobsAsync(Ct)));
    }

    [Fact]
    public async Task ClaimJobs_TwoNodesAtOnce_GetDisjointJobs()
    {
        var jobs = new List<JobRecord>();
        for (var i = 0; i < 40; i++)
        {
            jobs.Add(await CreateAsync(StoreTestData.Job(createdAt: StoreTestData.T0.AddSeconds(i))));
        }

        var claims = await Task.WhenAll(
            Task.Run(() => ClaimRepeatedlyAsync(_nodeA, "node-a")),
            Task.Run(() => ClaimRepeatedlyAsync(_nodeB, "node-b")));

        var all = claims.SelectMany(claimed => claimed).ToList();
        Assert.Equal(40, all.Count);
        Assert.Equal(40, all.Select(job => job.Id).Distinct().Count());
        Assert.All(claims[0], job => Assert.Equal("node-a", job.LeaseOwner));
        Assert.All(claims[1], job => Assert.Equal("node-b", job.LeaseOwner));
        foreach (var job in claims[0])
        {
            Assert.Equal("node-a", (await _nodeB.GetJobAsync(job.Id, Ct))?.LeaseOwner);
        }
    }

    [Fact]
    public async Task ClaimJobs_OnlyUnfinishedUnheldOrExpired_OldestFirst_AtMostMax()
    {
        var queued = await CreateAsync(StoreTestData.Job(createdAt: StoreTestData.T0.AddSeconds(1)));
        var running = await CreateAsync(StoreTestData.Job(createdAt: StoreTestData.T0.AddSeconds(2), state: JobState.Running));
        await CreateAsync(StoreTestData.Job(createdAt: StoreTestData.T0, state: JobState.Succeeded));
        await CreateAsync(StoreTestData.Job(createdAt: StoreTestData.T0) with { LeaseOwner = "node-b", LeaseExpiresAt = Now.AddMilliseconds(1) });
        var expiresNow = await CreateAsync(StoreTestData.Job(createdAt: StoreTestData.T0.AddSeconds(3)) with { LeaseOwner = "node-b", LeaseExpiresAt = Now });

        var first = await _nodeA.ClaimJobsAsync("node-a", Now, Lease, 2, Ct);
        var rest = await _nodeA.ClaimJobsAsync("node-a", Now, Lease, 10, Ct);

        StoreAssert.IdsEqual([queued.Id, running.Id], first);
        StoreAssert.IdsEqual([expiresNow.Id], rest);
        Assert.All(first, job => Assert.Equal(("node-a", (DateTimeOffset?)(Now + Lease)), (job.LeaseOwner, job.LeaseExpiresAt)));
        StoreAssert.JobEqual(queued with { LeaseOwner = "node-a", LeaseExpiresAt = Now + Lease }, first[0]);
        Assert.Empty(await _nodeA.ClaimJobsAsync("node-a", Now, Lease, 10, Ct));
        Assert.Empty(await _nodeA.ClaimJobsAsync("node-a", Now, Lease, 0, Ct));
    }

    [Fact]
    public async Task ClaimJobs_ExpiredLease_TakenOverAndOldOwnerFenced()
    {
        var job = await CreateAsync(StoreTestData.Job());
        Assert.Single(await _nodeA.ClaimJobsAsync("node-a", Now, Lease, 10, Ct));
        Assert.Empty(await _nodeB.ClaimJobsAsync("node-b", Now + Lease - TimeSpan.FromMilliseconds(1), Lease, 10, Ct));

        var takenOver = Assert.Single(await _nodeB.ClaimJobsAsync("node-b", Now + Lease, Lease, 10, Ct));

        Assert.Equal("node-b", takenOver.LeaseOwner);
        Assert.Equal(Now + Lease + Lease, takenOver.LeaseExpiresAt);
        await Assert.ThrowsAsync<ConcurrencyException>(() =>
            _nodeA.CommitAsync(StoreTestData.LogCommit(job.Id, 1) with { LeaseOwner = "node-a" }, Ct));
        await _nodeB.CommitAsync(StoreTestData.LogCommit(job.Id, 1) with { LeaseOwner = "node-b" }, Ct);
        Assert.Equal(2, (await _nodeA.GetJobAsync(job.Id, Ct))?.LastSequence);
    }

    [Fact]
    public async Task Commit_LeaseOwnerChecks_FenceOnlyTheRunner()
    {
        var leased = await CreateAsync(StoreTestData.Job() with { LeaseOwner = "node-a", LeaseExpiresAt = Now + Lease });
        var unleased = await CreateAsync(StoreTestData.Job());
        var fenced = StoreTestData.LogCommit(leased.Id, 1) with
        {
            LeaseOwner = "node-b",
            State = JobState.Failed,
            Outbox = [StoreTestData.Message(leased)],
        };

        var refused = await Assert.ThrowsAsync<ConcurrencyException>(() => _nodeA.CommitAsync(fenced, Ct));
        Assert.Contains("node-a", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ConcurrencyException>(() =>
            _nodeA.CommitAsync(StoreTestData.LogCommit(unleased.Id, 1) with { LeaseOwner = "node-a" }, Ct));
        await Assert.ThrowsAsync<KeyNotFoundException>(() =>
            _nodeA.CommitAsync(StoreTestData.LogCommit(Guid.NewGuid(), 0) with { LeaseOwner = "node-a" }, Ct));

        var stored = await _nodeA.GetJobAsync(leased.Id, Ct);
        Assert.Equal((1L, JobState.Queued), (stored!.LastSequence, stored.State));
        Assert.Empty(await _nodeA.ListDeliveriesAsync(leased.Id, Ct));

        // The runner itself, and writers that are not the runner (a cancel), pass; the sequence still guards both.
        await _nodeA.CommitAsync(StoreTestData.LogCommit(leased.Id, 1) with { LeaseOwner = "node-a" }, Ct);
        await _nodeB.CommitAsync(StoreTestData.LogCommit(leased.Id, 2), Ct);
        await _nodeB.CommitAsync(StoreTestData.LogCommit(unleased.Id, 1), Ct);
        await Assert.ThrowsAsync<ConcurrencyException>(() =>
            _nodeA.CommitAsync(StoreTestData.LogCommit(leased.Id, 2) with { LeaseOwner = "node-a" }, Ct));
        Assert.Equal(3, (await _nodeA.GetJobAsync(leased.Id, Ct))?.LastSequence);
    }

    [Fact]
    public async Task RenewLeases_OnlyOwnUnfinishedJobs_InGivenOrder()
    {
        var mine = await CreateAsync(StoreTestData.Job() with { LeaseOwner = "node-a", LeaseExpiresAt = Now });
        var alsoMine = await CreateAsync(StoreTestData.Job(state: JobState.Running) with { LeaseOwner = "node-a", LeaseExpiresAt = Now });
        var theirs = await CreateAsync(StoreTestData.Job() with { LeaseOwner = "node-b", LeaseExpiresAt = Now });
        var finished = await CreateAsync(StoreTestData.Job(state: JobState.Cancelled) with { LeaseOwner = "node-a", LeaseExpiresAt = Now });

        var renewed = await _nodeA.RenewLeasesAsync("node-a", [alsoMine.Id, theirs.Id, finished.Id, mine.Id, Guid.NewGuid()], Now, Lease, Ct);

        Assert.Equal([alsoMine.Id, mine.Id], renewed);
        Assert.Equal(Now + Lease, (await _nodeB.GetJobAsync(mine.Id, Ct))?.LeaseExpiresAt);
        Assert.Equal(Now, (await _nodeB.GetJobAsync(theirs.Id, Ct))?.LeaseExpiresAt);
        Assert.Equal(Now, (await _nodeB.GetJobAsync(finished.Id, Ct))?.LeaseExpiresAt);
        Assert.Empty(await _nodeA.RenewLeasesAsync("node-a", [], Now, Lease, Ct));
    }

    [Fact]
    public async Task ReleaseLeases_OnlyOwn_ClaimableAtOnce()
    {
        var mine = await CreateAsync(StoreTestData.Job() with { LeaseOwner = "node-a", LeaseExpiresAt = Now + Lease });
        var theirs = await CreateAsync(StoreTestData.Job() with { LeaseOwner = "node-b", LeaseExpiresAt = Now + Lease });

        await _nodeA.ReleaseLeasesAsync("node-a", [mine.Id, theirs.Id], Ct);

        var released = await _nodeB.GetJobAsync(mine.Id, Ct);
        Assert.Null(released?.LeaseOwner);
        Assert.Null(released?.LeaseExpiresAt);
        Assert.Equal("node-b", (await _nodeB.GetJobAsync(theirs.Id, Ct))?.LeaseOwner);
        StoreAssert.IdsEqual([mine.Id], await _nodeB.ClaimJobsAsync("node-b", Now, Lease, 10, Ct));
    }

    [Fact]
    public async Task HeartbeatNode_CountsNodesAliveAtNow()
    {
        Assert.Equal(1, await _nodeA.HeartbeatNodeAsync("node-a", Now, Lease, Ct));
        Assert.Equal(2, await _nodeB.HeartbeatNodeAsync("node-b", Now.AddSeconds(1), Lease, Ct));
        Assert.Equal(2, await _nodeA.HeartbeatNodeAsync("node-a", Now.AddSeconds(10), Lease, Ct));

        // node-b was alive until Now + 31 s.
        Assert.Equal(1, await _nodeA.HeartbeatNodeAsync("node-a", Now.AddSeconds(31), Lease, Ct));
        Assert.Equal(1, await _nodeA.HeartbeatNodeAsync("node-a", Now.AddSeconds(40), TimeSpan.Zero, Ct));
    }

    [Fact]
    public async Task ClaimDueDeliveries_TwoNodesAtOnce_NeverShareAMessage()
    {
        var job = await CreateAsync(StoreTestData.Job());
        await _nodeA.CommitAsync(new JobCommit
        {
            JobId = job.Id,
            ExpectedSequence = 1,
            Outbox = Enumerable.Range(0, 60).Select(_ => StoreTestData.Message(job)).ToList(),
        }, Ct);

        var claims = await Task.WhenAll(new[] { _nodeA, _nodeB, _nodeA, _nodeB }.Select(node => Task.Run(async () =>
        {
            var mine = new List<long>();
            for (var i = 0; i < 10; i++)
            {
                mine.AddRange((await node.ClaimDueDeliveriesAsync(StoreTestData.T0, 2, Lease, Ct)).Select(m => m.Id));
            }
            return mine;
        })));

        var all = claims.SelectMany(ids => ids).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(60, all.Count);
    }

    private async Task<JobRecord> CreateAsync(JobRecord job)
    {
        await _nodeA.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], Ct);
        return job;
    }

    private static async Task<List<JobRecord>> ClaimRepeatedlyAsync(PostgresStore node, string owner)
    {
        var claimed = new List<JobRecord>();
        for (var i = 0; i < 30; i++)
        {
            claimed.AddRange(await node.ClaimJobsAsync(owner, Now, Lease, 3, Ct));
        }
        return claimed;
    }
}
