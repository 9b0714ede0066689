using Npgsql;

namespace Workflows.Storage.Postgres.Internal;

/// <summary>
/// The writer's open transaction as one item sees it. Each item runs under its own savepoint, so a failing item rolls
/// back alone; the savepoint commands ride along with the item's first batch (and the previous item's savepoint is
/// released in the same round trip), so a group costs one round trip per item plus the commit.
/// </summary>
internal sealed class WriteSession(NpgsqlConnection connection, NpgsqlTransaction transaction)
{
    private const string Savepoint = "SAVEPOINT item";
    private const string Release = "RELEASE SAVEPOINT item";
    private const string RollbackToSavepoint = "ROLLBACK TO SAVEPOINT item";

    // Whether an item's savepoint exists: released lazily by the next item's first batch, or by COMMIT.
    private bool _savepointOpen;

    // Whether the current item has sent its SAVEPOINT (it runs no SQL before its first batch).
    private bool _itemStarted;

    /// <summary>A batch on the writer's transaction; run it with <see cref="ExecuteReaderAsync"/> or <see cref="ExecuteAsync"/>.</summary>
    public NpgsqlBatch CreateBatch() => new(connection, transaction);

    /// <summary>Runs an item's batch (with its savepoint in front when it is the item's first) and returns its reader.</summary>
    public Task<NpgsqlDataReader> ExecuteReaderAsync(NpgsqlBatch batch)
    {
        PrefixSavepoint(batch);
        return batch.ExecuteReaderAsync();
    }

    /// <summary>Runs an item's batch that returns no rows; read each command's <c>RecordsAffected</c> afterwards.</summary>
    public async Task ExecuteAsync(NpgsqlBatch batch)
    {
        PrefixSavepoint(batch);
        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>Locks the rows of the jobs the group writes, in id order, so two nodes' groups cannot deadlock on them.</summary>
    public async Task LockJobsAsync(Guid[] jobIds)
    {
        await using var batch = CreateBatch();
        var command = new NpgsqlBatchCommand("SELECT 1 FROM jobs WHERE id = ANY(@ids) ORDER BY id FOR UPDATE");
        command.Parameters.UuidArray("ids", jobIds);
        batch.BatchCommands.Add(command);
        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>Takes the running-job limit locks of <paramref name="organizations"/> for the rest of the transaction (<see cref="JobSql.LockOrganizations"/>).</summary>
    public async Task LockOrganizationsAsync(string[] organizations)
    {
        await using var batch = CreateBatch();
        var command = new NpgsqlBatchCommand(JobSql.LockOrganizations);
        command.Parameters.TextArray("orgs", organizations);
        batch.BatchCommands.Add(command);
        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>Marks the start of the next item.</summary>
    public void BeginItem() => _itemStarted = false;

    /// <summary>Undoes the current item's changes (if it made any) after it failed; the group goes on.</summary>
    public async Task RollbackItemAsync()
    {
        if (!_itemStarted)
        {
            return;
        }
        await using var batch = CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(RollbackToSavepoint));
        await batch.ExecuteNonQueryAsync();
    }

    private void PrefixSavepoint(NpgsqlBatch batch)
    {
        if (_itemStarted)
        {
            return;
        }
        batch.BatchCommands.Insert(0, new NpgsqlBatchCommand(Savepoint));
        if (_savepointOpen)
        {
            batch.BatchCommands.Insert(0, new NpgsqlBatchCommand(Release));
        }
        _itemStarted = true;
        _savepointOpen = true;
    }
}
