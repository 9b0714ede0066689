using Npgsql;
using Workflows.Engine.Storage;
using Workflows.Storage.Testing;

namespace Workflows.Storage.Postgres.Tests;

/// <summary>The writer's queue is bounded: past <see cref="PostgresStoreOptions.MaxQueuedWrites"/> a write is refused at once.</summary>
public sealed class PostgresBackPressureTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private PostgresDatabase _database = null!;

    public async Task InitializeAsync() => _database = await PostgresDatabase.CreateAsync();

    public Task DisposeAsync() => _database.DropAsync();

    [Fact]
    public async Task Commit_QueueFull_RefusedAtOnceWithStoreBusy_AndAcceptedOnceItDrains()
    {
        await using var store = new PostgresStore(new PostgresStoreOptions { ConnectionString = _database.ConnectionString, MaxQueuedWrites = 2 });
        await store.InitializeAsync(Ct);
        var job = StoreTestData.Job();
        await store.CreateJobAsync(job, [StoreTestData.QueuedEvent(job)], Ct);

        // Another session holds the job's row, so the writer's first group waits on it and the queue behind it fills.
        await using var blocker = new NpgsqlConnection(_database.ConnectionString + ";Application Name=blocker");
        await blocker.OpenAsync(Ct);
        await using var hold = await blocker.BeginTransactionAsync(Ct);
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM jobs WHERE id = @id FOR UPDATE", blocker, hold))
        {
            lockRow.Parameters.AddWithValue("id", job.Id);
            await lockRow.ExecuteNonQueryAsync(Ct);
        }

        var first = store.CommitAsync(StoreTestData.LogCommit(job.Id, 1), Ct);
        await WaitForLockWaitAsync();
        var queued = new[] { store.CommitAsync(StoreTestData.LogCommit(job.Id, 2), Ct), store.CommitAsync(StoreTestData.LogCommit(job.Id, 3), Ct) };

        var refused = store.CommitAsync(StoreTestData.LogCommit(job.Id, 4), Ct);
        Assert.True(refused.IsCompleted);
        await Assert.ThrowsAsync<StoreBusyException>(() => refused);
        Assert.False(first.IsCompleted);

        await hold.RollbackAsync(Ct);
        await first;
        await Task.WhenAll(queued);
        await store.CommitAsync(StoreTestData.LogCommit(job.Id, 4), Ct);
        Assert.Equal(5, (await store.GetJobAsync(job.Id, Ct))?.LastSequence);
    }

    // Until a session of this database waits for a row lock (the writer, blocked by the blocker's transaction).
    private async Task WaitForLockWaitAsync()
    {
        await using var probe = new NpgsqlConnection(_database.ConnectionString + ";Application Name=probe");
        await probe.OpenAsync(Ct);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", probe);
            if ((long)(await command.ExecuteScalarAsync(deadline.Token))! > 0)
            {
                return;
            }

            await Task.Delay(10, deadline.Token);
        }
    }
}
