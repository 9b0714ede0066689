using System.Threading.Channels;

namespace Workflows.Storage.Sqlite.Internal;

/// <summary>
/// The single writer: one connection, one long-lived loop on a thread of its own. Whatever is queued when the loop
/// wakes goes into one transaction (group commit), each item under its own savepoint so a failing item rolls back
/// alone. Callers hear of success only after COMMIT returned, i.e. after the data is durable. SQLite's calls block
/// (COMMIT waits for fsync), so the loop must not run on the thread pool: on a 2-core machine the pool has two
/// threads, and one of them stuck in fsync halves what every request can use.
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    /// <summary>Most items per transaction; bounds how long one commit holds the lock and how much a failed COMMIT undoes.</summary>
    public const int MaxBatchSize = 256;

    private const string Begin = "BEGIN IMMEDIATE";
    private const string Commit = "COMMIT";
    private const string Savepoint = "SAVEPOINT item";
    private const string Release = "RELEASE item";
    private const string RollbackToSavepoint = "ROLLBACK TO item";

    /// <summary>Writes queued and not yet taken by the loop, by default, before new ones are refused.</summary>
    public const int DefaultMaxQueued = 10_000;

    private readonly int _maxQueued;
    private int _queued;

    private readonly Channel<WriteOperation> _queue = Channel.CreateUnbounded<WriteOperation>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });

    private readonly CachedConnection _connection;
    private readonly TaskCompletionSource _loop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _batchesCommitted;

    public SqliteWriter(CachedConnection connection, int maxQueued = DefaultMaxQueued)
    {
        _connection = connection;
        _maxQueued = maxQueued;
        new Thread(Run) { IsBackground = true, Name = "SQLite writer" }.Start();
    }

    /// <summary>Transactions committed so far (for tests of the grouping).</summary>
    public long BatchesCommitted => Interlocked.Read(ref _batchesCommitted);

    /// <summary>Queues a write; the task completes once it is committed, or faults with the item's own error.</summary>
    public Task<TResult> EnqueueAsync<TState, TResult>(
        TState state, Func<CachedConnection, TState, TResult> work, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(cancellationToken);
        }
        var operation = new WriteOperation<TState, TResult>(state, work, cancellationToken);
        // Bounded by count, not by the channel: a full queue answers at once (back-pressure) instead of waiting.
        if (Interlocked.Increment(ref _queued) > _maxQueued)
        {
            Interlocked.Decrement(ref _queued);
            return Task.FromException<TResult>(new Engine.Storage.StoreBusyException());
        }
        if (!_queue.Writer.TryWrite(operation))
        {
            Interlocked.Decrement(ref _queued);
            return Task.FromException<TResult>(new ObjectDisposedException(nameof(SqliteStore)));
        }
        return operation.Task;
    }

    /// <summary>Stops taking writes, finishes the queued ones and returns when the loop has ended.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.Task;
    }

    private void Run()
    {
        var reader = _queue.Reader;
        var batch = new List<WriteOperation>(MaxBatchSize);
        try
        {
            // Blocking this thread while the queue is empty is what it is for.
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                while (batch.Count < MaxBatchSize && reader.TryRead(out var operation))
                {
                    batch.Add(operation);
                    Interlocked.Decrement(ref _queued);
                }
                RunBatch(batch);
                batch.Clear();
            }
            _loop.TrySetResult();
        }
        catch (Exception exception)
        {
            _loop.TrySetException(exception);
        }
    }

    private void RunBatch(List<WriteOperation> batch)
    {
        try
        {
            _connection.Statement(Begin).ExecuteNonQuery();
            foreach (var operation in batch)
            {
                RunItem(operation);
            }
            _connection.Statement(Commit).ExecuteNonQuery();
        }
        catch (Exception exception)
        {
            // BEGIN, a savepoint command or COMMIT failed: nothing of the batch can be trusted to be stored.
            TryRollback();
            foreach (var operation in batch)
            {
                operation.Fail(exception);
            }
            return;
        }

        Interlocked.Increment(ref _batchesCommitted);
        foreach (var operation in batch)
        {
            operation.Complete();
        }
    }

    private void RunItem(WriteOperation operation)
    {
        if (operation.CancellationToken.IsCancellationRequested)
        {
            operation.RecordCanceled();
            return;
        }

        _connection.Statement(Savepoint).ExecuteNonQuery();
        try
        {
            operation.Execute(_connection);
        }
        catch (Exception exception)
        {
            operation.RecordFailure(exception);
            // If SQLite already rolled back the whole transaction (disk full, I/O error) this throws and fails the batch.
            _connection.Statement(RollbackToSavepoint).ExecuteNonQuery();
        }
        _connection.Statement(Release).ExecuteNonQuery();
    }

    private void TryRollback()
    {
        if (_connection.Connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }
        try
        {
            _connection.Execute("ROLLBACK");
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // No transaction was open (BEGIN failed, or SQLite rolled back already); nothing to undo.
        }
    }
}
