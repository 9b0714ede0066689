using Workflows.Storage.Testing;

namespace Workflows.Storage.Sqlite.Tests;

/// <summary>A SQLite file serves one node: a restart of it resumes every job at once, without waiting for leases to run out.</summary>
public sealed class SqliteLeaseTests : IDisposable
{
    private readonly TempDatabase _database = new();

    [Fact]
    public async Task Reopen_LetsGoOfThePreviousProcessLeases()
    {
        var job = StoreTestData.Job() with { LeaseOwner = "crashed-node", LeaseExpiresAt = StoreTestData.T0.AddHours(1) };
        await using (var store = await _database.OpenAsync())
        {
            await store.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], CancellationToken.None);
            await store.HeartbeatNodeAsync("crashed-node", StoreTestData.T0, TimeSpan.FromHours(1), CancellationToken.None);
        }

        await using var reopened = await _database.OpenAsync();

        var claimed = await reopened.ClaimJobsAsync("new-node", StoreTestData.T0, TimeSpan.FromSeconds(30), 10, CancellationToken.None);
        Assert.Equal([job.Id], claimed.Select(j => j.Id));
        Assert.Equal(1, await reopened.HeartbeatNodeAsync("new-node", StoreTestData.T0, TimeSpan.FromSeconds(30), CancellationToken.None));
    }

    public void Dispose() => _database.Delete();
}
