using Npgsql;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Storage.Testing;

namespace Workflows.Storage.Postgres.Tests;

/// <summary>
/// The cluster-wide limits PostgreSQL holds for every node: the running-job limit at job creation and in claims, lease
/// times by the database clock, and the request-rate bucket. Two stores over one database are two nodes.
/// </summary>
public sealed class PostgresLimitTests : IAsyncLifetime
{
    private const int Limit = 4;
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private PostgresDatabase _database = null!;
    private PostgresStore _nodeA = null!;
    private PostgresStore _nodeB = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        // Production settings: the database's clock, and the limit held by the store.
        _nodeA = await _database.OpenAsync(o => (o.UseDatabaseClock, o.MaxRunningJobsPerOrganization) = (true, Limit));
        _nodeB = await _database.OpenAsync(o => (o.UseDatabaseClock, o.MaxRunningJobsPerOrganization) = (true, Limit));
    }

    public async Task DisposeAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        await _database.DropAsync();
    }

    [Fact]
    public async Task CreateJob_OverTheLimitAcrossNodes_IsRefused_ChildrenAndUnleasedJobsAreNot()
    {
        for (var i = 0; i < Limit; i++)
        {
            await CreateAsync(i % 2 == 0 ? _nodeA : _nodeB, Leased("node-x"));
        }

        var refused = await Assert.ThrowsAsync<RunningLimitException>(() => CreateAsync(_nodeB, Leased("node-b")));
        Assert.Equal(("org-a", Limit), (refused.OrganizationId, refused.Limit));
        // Through a first commit that stores the job too (a job without an idempotency key).
        var job = Leased("node-a");
        await Assert.ThrowsAsync<RunningLimitException>(() => _nodeA.CommitAsync(
            StoreTestData.LogCommit(job.Id, 1) with { LeaseOwner = "node-a", Create = new NewJob(job, [StoreTestData.QueuedEvent(job)]) }, Ct));
        Assert.Null(await _nodeA.GetJobAsync(job.Id, Ct));

        await CreateAsync(_nodeA, Leased("node-a") with { ParentJobId = Guid.NewGuid() });
        await CreateAsync(_nodeA, StoreTestData.Job());
        await CreateAsync(_nodeA, Leased("node-a", organization: "org-b"));
        Assert.Equal(Limit + 1, await CountLeasedAsync("org-a"));
    }

    [Fact]
    public async Task CreateJob_TwoNodesAtOnce_AdmitExactlyTheLimit()
    {
        var attempts = Enumerable.Range(0, 24).Select(i => Task.Run(async () =>
        {
            try
            {
                await CreateAsync(i % 2 == 0 ? _nodeA : _nodeB, Leased(i % 2 == 0 ? "node-a" : "node-b"));
                return true;
            }
            catch (RunningLimitException)
            {
                return false;
            }
        }));

        var admitted = (await Task.WhenAll(attempts)).Count(ok => ok);

        Assert.Equal(Limit, admitted);
        Assert.Equal(Limit, await CountLeasedAsync("org-a"));
    }

    [Fact]
    public async Task ClaimDue_TakesOnlyTheFreePlaces_OfEachOrganisation_AcrossNodes()
    {
        await CreateAsync(_nodeA, Leased("node-a"));
        var due = new List<JobRecord>();
        for (var i = 0; i < 6; i++)
        {
            due.Add(await WaitingAsync("org-a"));
        }

        var other = await WaitingAsync("org-b");
        var cancelled = await WaitingAsync("org-a");
        await _nodeA.RequestCancelAsync(cancelled.Id, "stop", Ct);

        var now = DateTimeOffset.UtcNow.AddMinutes(1);
        var claims = await Task.WhenAll(
            _nodeA.ClaimDueJobsAsync("node-a", now, Lease, 100, Ct),
            _nodeB.ClaimDueJobsAsync("node-b", now, Lease, 100, Ct));
        var claimed = claims.SelectMany(c => c).Select(j => j.Id).ToHashSet();

        // org-a had 1 running: 3 more of its due jobs, oldest first, and the one with a cancel request regardless.
        Assert.Equal(3, due.Count(j => claimed.Contains(j.Id)));
        Assert.Contains(other.Id, claimed);
        Assert.Contains(cancelled.Id, claimed);
        Assert.Equal(Limit, await CountLeasedAsync("org-a"));

        // Nothing more while they run; once one finishes, one more place.
        Assert.Empty(await _nodeB.ClaimDueJobsAsync("node-b", now, Lease, 100, Ct));
        var running = (await _nodeA.GetJobAsync(due.First(j => claimed.Contains(j.Id)).Id, Ct))!;
        await _nodeA.CommitAsync(StoreTestData.LogCommit(running.Id, running.LastSequence) with
        {
            State = JobState.Succeeded,
            FinishedAt = now,
        }, Ct);
        Assert.Single(await _nodeB.ClaimDueJobsAsync("node-b", now, Lease, 100, Ct));
    }

    [Fact]
    public async Task ClaimJobs_TakesOverAbandonedJobs_OnlyUpToTheLimit()
    {
        for (var i = 0; i < 6; i++)
        {
            // Leases that ran out: a node that died.
            await CreateAsync(_nodeA, StoreTestData.Job(createdAt: StoreTestData.T0.AddSeconds(i), state: JobState.Running)
                with { LeaseOwner = "dead", LeaseExpiresAt = StoreTestData.T0 });
        }

        Assert.Equal(Limit, (await _nodeB.ClaimJobsAsync("node-b", DateTimeOffset.UtcNow, Lease, 100, Ct)).Count);
        Assert.Empty(await _nodeA.ClaimJobsAsync("node-a", DateTimeOffset.UtcNow, Lease, 100, Ct));
        Assert.Equal(Limit, await CountLeasedAsync("org-a"));
    }

    [Fact]
    public async Task Leases_RunOnTheDatabaseClock_ANodeWithASkewedClockTakesNoLiveLease()
    {
        // Node A's clock is an hour behind, node B's an hour ahead; the lease is 30 s of the database's time either way.
        var behind = DateTimeOffset.UtcNow.AddHours(-1);
        var ahead = DateTimeOffset.UtcNow.AddHours(1);
        var job = await CreateAsync(_nodeA, Leased("node-a", createdAt: behind));

        var stored = (await _nodeB.GetJobAsync(job.Id, Ct))!;
        Assert.InRange(stored.LeaseExpiresAt!.Value, DateTimeOffset.UtcNow.AddSeconds(20), DateTimeOffset.UtcNow.AddSeconds(40));
        Assert.Empty(await _nodeB.ClaimJobsAsync("node-b", ahead, Lease, 10, Ct));

        Assert.Equal([job.Id], await _nodeA.RenewLeasesAsync("node-a", [job.Id], behind, Lease, Ct));
        Assert.InRange((await _nodeB.GetJobAsync(job.Id, Ct))!.LeaseExpiresAt!.Value, DateTimeOffset.UtcNow.AddSeconds(20), DateTimeOffset.UtcNow.AddSeconds(40));
        Assert.Empty(await _nodeB.ClaimJobsAsync("node-b", ahead, Lease, 10, Ct));

        // Both nodes are alive whatever their clocks say.
        Assert.Equal(1, await _nodeA.HeartbeatNodeAsync("node-a", behind, Lease, Ct));
        Assert.Equal(2, await _nodeB.HeartbeatNodeAsync("node-b", ahead, Lease, Ct));
        Assert.Equal(2, await _nodeA.HeartbeatNodeAsync("node-a", behind, Lease, Ct));
    }

    [Fact]
    public async Task RequestTokens_OneBucketForAllNodes_BurstThenRate()
    {
        var granted = 0;
        var attempts = 0;
        RequestTokens last;
        do
        {
            last = await (attempts++ % 2 == 0 ? _nodeA : _nodeB).TakeRequestTokensAsync("org-a", 3, 1, 10, Ct);
            granted += last.Granted;
        }
        while (last.Granted > 0 && attempts < 20);

        // 10 in the bucket (taken 3, 3, 3, 1 by two nodes), maybe 1 more refilled meanwhile; then none, for about a second.
        Assert.InRange(granted, 10, 11);
        Assert.Equal(0, last.Granted);
        Assert.InRange(last.RetryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
        Assert.Equal(3, (await _nodeA.TakeRequestTokensAsync("org-b", 3, 1, 10, Ct)).Granted);
    }

    [Fact]
    public async Task WithoutALimit_ADueJobClaimedByOneNode_IsNotAbandonedForTheOther()
    {
        await using var a = await _database.OpenAsync(o => o.UseDatabaseClock = true);
        await using var b = await _database.OpenAsync(o => o.UseDatabaseClock = true);
        var job = await WaitingAsync("org-a");

        var claimed = Assert.Single(await b.ClaimDueJobsAsync("node-b", DateTimeOffset.UtcNow.AddSeconds(1), Lease, 100, Ct));

        Assert.Equal((job.Id, JobState.Running), (claimed.Id, claimed.State));
        Assert.InRange(claimed.LeaseExpiresAt!.Value, DateTimeOffset.UtcNow.AddSeconds(20), DateTimeOffset.UtcNow.AddSeconds(40));
        Assert.Empty(await a.ClaimJobsAsync("node-a", DateTimeOffset.UtcNow, Lease, 100, Ct));
        Assert.Equal([job.Id], await b.RenewLeasesAsync("node-b", [job.Id], DateTimeOffset.UtcNow, Lease, Ct));
        Assert.Empty(await a.ClaimJobsAsync("node-a", DateTimeOffset.UtcNow, Lease, 100, Ct));
    }

    private static JobRecord Leased(string owner, string organization = "org-a", DateTimeOffset? createdAt = null)
    {
        var created = createdAt ?? DateTimeOffset.UtcNow;
        return StoreTestData.Job(organization, createdAt: created) with { LeaseOwner = owner, LeaseExpiresAt = created + Lease };
    }

    private static async Task<JobRecord> CreateAsync(PostgresStore store, JobRecord job)
    {
        await store.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], Ct);
        return job;
    }

    // A job that started and now waits, due already.
    private async Task<JobRecord> WaitingAsync(string organization)
    {
        var job = await CreateAsync(_nodeA, StoreTestData.Job(organization, createdAt: DateTimeOffset.UtcNow));
        await _nodeA.CommitAsync(new JobCommit
        {
            JobId = job.Id,
            ExpectedSequence = 1,
            Events = [new JobEvent(job.Id, 2, JobEventTypes.JobWaiting, job.CreatedAt)],
            State = JobState.Waiting,
            Wait = new JobWaitCommit(DateTimeOffset.UtcNow, [], job.CreatedAt),
        }, Ct);
        return job;
    }

    private async Task<long> CountLeasedAsync(string organization)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM jobs WHERE org = @org AND state IN (1, 2) AND lease_expires_at > now()", connection);
        command.Parameters.AddWithValue("org", organization);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
