using Workflows.Engine.Storage;
using Workflows.Storage.Sqlite.Internal;

namespace Workflows.Storage.Sqlite;

/// <summary>
/// The job and app store in one SQLite file (WAL). All writes go through one writer that commits whatever is queued in
/// one transaction (group commit); reads use pooled connections and run concurrently with it.
/// </summary>
public sealed partial class SqliteStore : IJobStore, IAppStore, Engine.Schedules.IScheduleStore, IAsyncDisposable, IDisposable
{
    private readonly SqliteStoreOptions _options;
    private readonly ReadConnectionPool _readers;
    private readonly StoreLifecycle _lifecycle = new();
    private CachedConnection? _writerConnection;
    private SqliteWriter? _writer;

    /// <summary>Creates the store; nothing is opened until <see cref="InitializeAsync"/>.</summary>
    public SqliteStore(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.DatabasePath) ||
            options.DatabasePath.Trim().StartsWith(":memory:", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("SqliteStoreOptions.DatabasePath must be a file path.", nameof(options));
        }
        _options = new SqliteStoreOptions
        {
            DatabasePath = Path.GetFullPath(options.DatabasePath),
            FullSync = options.FullSync,
            BusyTimeoutMs = options.BusyTimeoutMs,
        };
        _readers = new ReadConnectionPool(_options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRunningJobsPerOrganization ?? 0, "SqliteStoreOptions.MaxRunningJobsPerOrganization");
        MaxRunningJobsPerOrganization = options.MaxRunningJobsPerOrganization ?? 0;
    }

    /// <summary>
    /// Creates the database file and its directory if missing, switches it to WAL, applies missing migrations, lets go of
    /// the leases and node heartbeats a previous process left (a SQLite file serves one node) and starts the writer.
    /// Calling it again does nothing.
    /// </summary>
    public Task InitializeAsync(CancellationToken cancellationToken) =>
        _lifecycle.StartAsync(this, _ =>
        {
            if (Path.GetDirectoryName(_options.DatabasePath) is { Length: > 0 } directory)
            {
                Directory.CreateDirectory(directory);
            }
            var connection = CachedConnection.Open(_options, writer: true);
            try
            {
                Schema.Migrate(connection);
                // One node per SQLite file: whatever the previous process held is this process's to resume, now.
                connection.Execute(JobSql.ReleaseAllLeases);
                connection.Execute("DELETE FROM nodes");
            }
            catch
            {
                connection.Dispose();
                throw;
            }
            _writerConnection = connection;
            _writer = new SqliteWriter(connection, _options.MaxQueuedWrites > 0 ? _options.MaxQueuedWrites : SqliteWriter.DefaultMaxQueued);
            return Task.CompletedTask;
        }, cancellationToken);

    /// <summary>Stops taking writes, commits the queued ones and closes every connection.</summary>
    public ValueTask DisposeAsync() =>
        _lifecycle.DisposeAsync(async () =>
        {
            if (_writer is not null)
            {
                await _writer.DisposeAsync();
            }
            _writerConnection?.Dispose();
            _readers.Dispose();
        });

    /// <summary>Same as <see cref="DisposeAsync"/>, for containers disposed synchronously.</summary>
    public void Dispose()
    {
        // The writer loop runs on the thread pool and never needs this thread, so blocking here cannot deadlock.
        DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The writer, for tests that hold it to observe group commit.</summary>
    internal SqliteWriter Writer =>
        _writer ?? throw new InvalidOperationException("Call InitializeAsync before using the SQLite store.");

    private Task<TResult> WriteAsync<TState, TResult>(
        TState state, Func<CachedConnection, TState, TResult> work, CancellationToken cancellationToken)
    {
        try
        {
            return Writer.EnqueueAsync(state, work, cancellationToken);
        }
        catch (Exception exception)
        {
            return Task.FromException<TResult>(exception);
        }
    }

    // Microsoft.Data.Sqlite does its I/O synchronously even behind its async methods, so reads run inline.
    private Task<TResult> ReadAsync<TState, TResult>(
        TState state, Func<CachedConnection, TState, TResult> read, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(cancellationToken);
        }
        try
        {
            _ = Writer;
            return Task.FromResult(_readers.Read(state, read));
        }
        catch (Exception exception)
        {
            return Task.FromException<TResult>(exception);
        }
    }
}
