using System.Threading.Channels;
using Npgsql;

namespace Workflows.Storage.Postgres.Internal;

/// <summary>
/// The node's single writer: one connection, one long-lived loop. Whatever is queued when the loop wakes goes into one
/// transaction (group commit), each item under its own savepoint so a failing item rolls back alone. Items run in the
/// order they were queued, so one job's pipelined commits apply in submission order. Callers hear of success only after
/// COMMIT returned, i.e. after the data is durable.
/// </summary>
internal sealed class PostgresWriter : IAsyncDisposable
{
    /// <summary>
    /// Most items per transaction. Each item that writes is a subtransaction; PostgreSQL tracks up to 64 of them per
    /// transaction cheaply, beyond that every other session's snapshots get slower while the transaction is open.
    /// </summary>
    public const int MaxGroupSize = 64;

    /// <summary>Writes queued and not yet taken by the loop, by default, before new ones are refused.</summary>
    public const int DefaultMaxQueued = 10_000;

    private readonly int _maxQueued;
    private int _queued;

    private readonly Channel<WriteOperation> _queue = Channel.CreateUnbounded<WriteOperation>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });

    private readonly NpgsqlDataSource _dataSource;
    private readonly Task _loop;
    private NpgsqlConnection? _connection;
    private long _groupsCommitted;

    public PostgresWriter(NpgsqlDataSource dataSource, int maxQueued = DefaultMaxQueued)
    {
        _dataSource = dataSource;
        _maxQueued = maxQueued;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Transactions committed so far (for tests of the grouping).</summary>
    public long GroupsCommitted => Interlocked.Read(ref _groupsCommitted);

    /// <summary>
    /// Queues a write; the task completes once it is committed, or faults with the item's own error (or the group's, when
    /// the whole transaction failed). <paramref name="lockedJobs"/> are the jobs whose rows it changes.
    /// </summary>
    public Task<TResult> EnqueueAsync<TState, TResult>(
        TState state,
        Func<WriteSession, TState, Task<TResult>> work,
        IReadOnlyCollection<Guid> lockedJobs,
        CancellationToken cancellationToken,
        string? limitedOrganization = null)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(cancellationToken);
        }
        var operation = new WriteOperation<TState, TResult>(state, work, lockedJobs, cancellationToken) { LimitedOrganization = limitedOrganization };
        // Bounded by count, not by the channel: a full queue answers at once (back-pressure) instead of waiting.
        if (Interlocked.Increment(ref _queued) > _maxQueued)
        {
            Interlocked.Decrement(ref _queued);
            return Task.FromException<TResult>(new Engine.Storage.StoreBusyException());
        }
        if (!_queue.Writer.TryWrite(operation))
        {
            Interlocked.Decrement(ref _queued);
            return Task.FromException<TResult>(new ObjectDisposedException(nameof(PostgresStore)));
        }
        return operation.Task;
    }

    /// <summary>Stops taking writes, finishes the queued ones and returns when the loop has ended.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var group = new List<WriteOperation>(MaxGroupSize);
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (group.Count < MaxGroupSize && reader.TryRead(out var operation))
                {
                    group.Add(operation);
                    Interlocked.Decrement(ref _queued);
                }
                await RunGroupAsync(group);
                group.Clear();
            }
        }
        finally
        {
            await DropConnectionAsync();
        }
    }

    private async Task RunGroupAsync(List<WriteOperation> group)
    {
        for (var attempt = 1; ; attempt++)
        {
            var opened = false;
            var committing = false;
            try
            {
                var connection = await OpenAsync();
                opened = true;
                await using var transaction = await connection.BeginTransactionAsync();
                var session = new WriteSession(connection, transaction);
                // Limit locks first, then rows, each in a fixed order: two nodes' groups cannot deadlock on either.
                var organizations = LimitedOrganizations(group);
                if (organizations.Length > 0)
                {
                    await session.LockOrganizationsAsync(organizations);
                }
                var locked = LockedJobs(group);
                if (locked.Length > 0)
                {
                    await session.LockJobsAsync(locked);
                }
                foreach (var operation in group)
                {
                    await RunItemAsync(session, operation);
                }
                committing = true;
                await transaction.CommitAsync();
            }
            catch (Exception exception)
            {
                var connectionLost = _connection is not { State: System.Data.ConnectionState.Open } ||
                                     _connection.FullState.HasFlag(System.Data.ConnectionState.Broken);
                await DropConnectionAsync();
                if (connectionLost)
                {
                    // Whatever cut this connection (a restart) cut the idle pooled ones too; open only new ones from here.
                    _dataSource.Clear();
                }
                if (attempt == 1 && opened && connectionLost && !committing)
                {
                    // The connection died (a database restart, a failover, an idle connection cut) before COMMIT was
                    // sent, so the server rolled the whole group back: run it again, in order, on a new connection.
                    foreach (var operation in group)
                    {
                        operation.Reset();
                    }
                    continue;
                }
                // Nothing of the group can be trusted to be stored. (A COMMIT whose answer was lost may still have
                // landed; callers retrying meet the sequence check.)
                foreach (var operation in group)
                {
                    operation.Fail(exception);
                }
                return;
            }

            Interlocked.Increment(ref _groupsCommitted);
            foreach (var operation in group)
            {
                operation.Complete();
            }
            return;
        }
    }

    private static async Task RunItemAsync(WriteSession session, WriteOperation operation)
    {
        if (operation.CancellationToken.IsCancellationRequested)
        {
            operation.RecordCanceled();
            return;
        }

        session.BeginItem();
        try
        {
            await operation.ExecuteAsync(session);
        }
        catch (Exception exception) when (exception is PostgresException or not NpgsqlException)
        {
            // The server refused this item (a constraint, a sequence mismatch found by the item): undo it alone. If the
            // transaction is beyond saving, the rollback throws and fails the group.
            operation.RecordFailure(exception);
            await session.RollbackItemAsync();
        }
    }

    private static string[] LimitedOrganizations(List<WriteOperation> group)
    {
        HashSet<string>? organizations = null;
        foreach (var operation in group)
        {
            if (operation.LimitedOrganization is { } organization && !operation.CancellationToken.IsCancellationRequested)
            {
                organizations ??= new HashSet<string>(StringComparer.Ordinal);
                organizations.Add(organization);
            }
        }
        return organizations is null ? [] : [.. organizations];
    }

    private static Guid[] LockedJobs(List<WriteOperation> group)
    {
        HashSet<Guid>? ids = null;
        foreach (var operation in group)
        {
            if (operation.LockedJobs.Count > 0 && !operation.CancellationToken.IsCancellationRequested)
            {
                ids ??= [];
                ids.UnionWith(operation.LockedJobs);
            }
        }
        return ids is null ? [] : [.. ids];
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        if (_connection is { State: System.Data.ConnectionState.Open })
        {
            return _connection;
        }
        await DropConnectionAsync();
        _connection = await _dataSource.OpenConnectionAsync();
        return _connection;
    }

    private async Task DropConnectionAsync()
    {
        var connection = _connection;
        _connection = null;
        if (connection is null)
        {
            return;
        }
        try
        {
            await connection.DisposeAsync();
        }
        catch (NpgsqlException)
        {
            // Closing a broken connection; it is gone either way.
        }
    }
}
