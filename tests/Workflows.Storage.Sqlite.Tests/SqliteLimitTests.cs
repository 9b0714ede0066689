using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Storage.Testing;

namespace Workflows.Storage.Sqlite.Tests;

/// <summary>Claims respect the running-job limit on SQLite as on PostgreSQL: only an organisation's free places are taken.</summary>
public sealed class SqliteLimitTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly TempDatabase _database = new();
    private SqliteStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = await _database.OpenAsync();
        _store.MaxRunningJobsPerOrganization = 4;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _database.Delete();
    }

    [Fact]
    public async Task ClaimDue_TakesOnlyTheFreePlaces_CancelRequestsAndOtherOrganisationsRegardless()
    {
        var now = StoreTestData.T0.AddMinutes(1);
        await CreateAsync(StoreTestData.Job() with { LeaseOwner = "n", LeaseExpiresAt = now + Lease });
        var due = new List<JobRecord>();
        for (var i = 0; i < 6; i++)
        {
            due.Add(await WaitingAsync("org-a", StoreTestData.T0.AddSeconds(i)));
        }

        var other = await WaitingAsync("org-b", StoreTestData.T0);
        var cancelled = await WaitingAsync("org-a", StoreTestData.T0);
        await _store.RequestCancelAsync(cancelled.Id, "stop", Ct);

        var claimed = (await _store.ClaimDueJobsAsync("n", now, Lease, 100, Ct)).Select(j => j.Id).ToHashSet();

        Assert.Equal(due.Take(3).Select(j => j.Id).Order(), due.Where(j => claimed.Contains(j.Id)).Select(j => j.Id).Order());
        Assert.Contains(other.Id, claimed);
        Assert.Contains(cancelled.Id, claimed);
        Assert.Empty(await _store.ClaimDueJobsAsync("n", now, Lease, 100, Ct));
    }

    [Fact]
    public async Task ClaimJobs_AbandonedJobs_OnlyUpToTheLimit()
    {
        for (var i = 0; i < 6; i++)
        {
            await CreateAsync(StoreTestData.Job(createdAt: StoreTestData.T0.AddSeconds(i), state: JobState.Running)
                with { LeaseOwner = "dead", LeaseExpiresAt = StoreTestData.T0 });
        }

        var now = StoreTestData.T0.AddMinutes(1);
        Assert.Equal(4, (await _store.ClaimJobsAsync("n", now, Lease, 100, Ct)).Count);
        Assert.Empty(await _store.ClaimJobsAsync("n", now, Lease, 100, Ct));
    }

    private async Task<JobRecord> CreateAsync(JobRecord job)
    {
        await _store.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], Ct);
        return job;
    }

    private async Task<JobRecord> WaitingAsync(string organization, DateTimeOffset wakeAt)
    {
        var job = await CreateAsync(StoreTestData.Job(organization, createdAt: wakeAt));
        await _store.CommitAsync(new JobCommit
        {
            JobId = job.Id,
            ExpectedSequence = 1,
            Events = [new JobEvent(job.Id, 2, JobEventTypes.JobWaiting, wakeAt)],
            State = JobState.Waiting,
            Wait = new JobWaitCommit(wakeAt, [], wakeAt),
        }, Ct);
        return job;
    }
}
