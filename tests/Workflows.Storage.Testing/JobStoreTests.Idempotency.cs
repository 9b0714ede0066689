using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Testing;

// Idempotency keys: unique per organisation, remembered with the request's fingerprint, and taken over by a newer job
// once expired (the old job lets go of the key in the same transaction).
public abstract partial class JobStoreTests
{
    private static JobRecord Keyed(string key, DateTimeOffset createdAt, DateTimeOffset? expiresAt, string organizationId = "org-a") =>
        StoreTestData.Job(organizationId, createdAt: createdAt, idempotencyKey: key) with
        {
            IdempotencyFingerprint = "fp-" + key + "-" + createdAt.ToUnixTimeMilliseconds(),
            IdempotencyExpiresAt = expiresAt,
        };

    [Fact]
    public async Task CreateJob_FingerprintAndExpiry_RoundTrip()
    {
        var job = await CreateJobAsync(Keyed("k", StoreTestData.T0, StoreTestData.T0.AddHours(24)));

        StoreAssert.JobEqual(job, await Store.GetJobAsync(job.OrganizationId, job.Id, Ct));
        StoreAssert.JobEqual(job, await Store.FindByIdempotencyKeyAsync(job.OrganizationId, "k", Ct));
    }

    [Fact]
    public async Task CreateJob_KeyOfExpiredJob_MovesToNewJob()
    {
        var old = await CreateJobAsync(Keyed("k", StoreTestData.T0, StoreTestData.T0.AddHours(1)));
        var reuse = await CreateJobAsync(Keyed("k", StoreTestData.T0.AddHours(2), StoreTestData.T0.AddHours(3)));

        StoreAssert.JobEqual(reuse, await Store.FindByIdempotencyKeyAsync("org-a", "k", Ct));
        var released = await Store.GetJobAsync("org-a", old.Id, Ct);
        StoreAssert.JobEqual(old with { IdempotencyKey = null, IdempotencyFingerprint = null, IdempotencyExpiresAt = null }, released);
    }

    [Fact]
    public async Task CreateJob_KeyExpiringExactlyAtCreation_MovesToNewJob()
    {
        await CreateJobAsync(Keyed("k", StoreTestData.T0, StoreTestData.T0.AddHours(1)));
        var reuse = await CreateJobAsync(Keyed("k", StoreTestData.T0.AddHours(1), StoreTestData.T0.AddHours(2)));

        Assert.Equal(reuse.Id, (await Store.FindByIdempotencyKeyAsync("org-a", "k", Ct))?.Id);
    }

    [Fact]
    public async Task CreateJob_KeyNotExpiredYet_ThrowsConcurrencyExceptionAndKeepsHolder()
    {
        var old = await CreateJobAsync(Keyed("k", StoreTestData.T0, StoreTestData.T0.AddHours(1)));

        await Assert.ThrowsAsync<ConcurrencyException>(() =>
            CreateJobAsync(Keyed("k", StoreTestData.T0.AddMinutes(59), StoreTestData.T0.AddHours(2))));

        StoreAssert.JobEqual(old, await Store.FindByIdempotencyKeyAsync("org-a", "k", Ct));
        Assert.Single((await Store.ListJobsAsync(new JobQuery("org-a", 50, null), Ct)).Jobs);
    }

    [Fact]
    public async Task CreateJob_KeyWithoutExpiry_NeverMoves()
    {
        var child = await CreateJobAsync(Keyed("child:x:b", StoreTestData.T0, expiresAt: null));

        await Assert.ThrowsAsync<ConcurrencyException>(() =>
            CreateJobAsync(Keyed("child:x:b", StoreTestData.T0.AddYears(10), StoreTestData.T0.AddYears(11))));

        StoreAssert.JobEqual(child, await Store.FindByIdempotencyKeyAsync("org-a", "child:x:b", Ct));
    }

    [Fact]
    public async Task CreateJob_ExpiredKeyOfOtherOrganization_LeftAlone()
    {
        var other = await CreateJobAsync(Keyed("k", StoreTestData.T0, StoreTestData.T0.AddHours(1), "org-b"));
        await CreateJobAsync(Keyed("k", StoreTestData.T0.AddHours(2), StoreTestData.T0.AddHours(3), "org-a"));

        StoreAssert.JobEqual(other, await Store.FindByIdempotencyKeyAsync("org-b", "k", Ct));
    }

    [Fact]
    public async Task CreateJob_FailsAfterExpiredKeyFound_KeyStaysWithHolder()
    {
        var holder = await CreateJobAsync(Keyed("k", StoreTestData.T0, StoreTestData.T0.AddHours(1)));
        var existing = await CreateJobAsync(StoreTestData.Job(createdAt: StoreTestData.T0.AddMinutes(1)));

        // The same id as an existing job: the insert fails, and the key must not have moved half-way.
        var duplicate = Keyed("k", StoreTestData.T0.AddHours(2), StoreTestData.T0.AddHours(3)) with { Id = existing.Id };
        await Assert.ThrowsAnyAsync<Exception>(() => CreateJobAsync(duplicate));

        StoreAssert.JobEqual(holder, await Store.FindByIdempotencyKeyAsync("org-a", "k", Ct));
    }

    [Fact]
    public async Task CreateJob_ConcurrentReuseOfExpiredKey_OneWins()
    {
        await CreateJobAsync(Keyed("k", StoreTestData.T0, StoreTestData.T0.AddHours(1)));

        var attempts = Enumerable.Range(0, 8)
            .Select(i => Task.Run(() => CreateJobAsync(Keyed("k", StoreTestData.T0.AddHours(2).AddMilliseconds(i), StoreTestData.T0.AddHours(3)))))
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
        Assert.All(attempts.Where(task => !task.IsCompletedSuccessfully), task => Assert.IsType<ConcurrencyException>(task.Exception?.InnerException));
        Assert.Equal(winner.Id, (await Store.FindByIdempotencyKeyAsync("org-a", "k", Ct))?.Id);
    }
}
