using Npgsql;
using Workflows.Engine.Storage;
using Workflows.Storage.Postgres.Internal;

namespace Workflows.Storage.Postgres;

/// <summary>
/// The job and app store in PostgreSQL, shared by every node of a cluster. Each node's writes go through one writer that
/// commits whatever is queued in one transaction (group commit), in the order they were made; reads use pooled
/// connections and run concurrently with it. Every job write also sends a <c>workflows_jobs</c> notification in its
/// transaction, which <see cref="PostgresJobChangeListener"/> turns into wake-ups on the other nodes.
/// </summary>
public sealed partial class PostgresStore : IJobStore, ISharedLimitStore, IAppStore, Engine.Schedules.IScheduleStore, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly StoreLifecycle _lifecycle = new();
    private PostgresWriter? _writer;
    private readonly int _maxQueuedWrites;
    private readonly bool _databaseClock;
    private int _maxRunningJobs;

    /// <summary>Creates the store; nothing is opened until <see cref="InitializeAsync"/>.</summary>
    public PostgresStore(PostgresStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("PostgresStoreOptions.ConnectionString must be set.", nameof(options));
        }
        _dataSource = CreateDataSource(options.ConnectionString);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxQueuedWrites, "PostgresStoreOptions.MaxQueuedWrites");
        _maxQueuedWrites = options.MaxQueuedWrites;
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRunningJobsPerOrganization ?? 0, "PostgresStoreOptions.MaxRunningJobsPerOrganization");
        _maxRunningJobs = options.MaxRunningJobsPerOrganization ?? 0;
        _databaseClock = options.UseDatabaseClock;
    }

    /// <inheritdoc />
    public int MaxRunningJobsPerOrganization
    {
        get => Volatile.Read(ref _maxRunningJobs);
        internal set => Volatile.Write(ref _maxRunningJobs, value);
    }

    // The time a lease write measures from: null (the database's clock) unless the store runs on the caller's.
    private DateTimeOffset? LeaseNow(DateTimeOffset now) => _databaseClock ? null : now;

    /// <summary>
    /// Applies missing migrations (one node at a time, under an advisory lock) and starts the writer. Calling it again
    /// does nothing. Unlike the SQLite store it keeps the leases it finds: other nodes may be running those jobs.
    /// </summary>
    public Task InitializeAsync(CancellationToken cancellationToken) =>
        _lifecycle.StartAsync(this, async ct =>
        {
            await using (var connection = await _dataSource.OpenConnectionAsync(ct))
            {
                await Schema.MigrateAsync(connection, ct);
            }
            _writer = new PostgresWriter(_dataSource, _maxQueuedWrites);
        }, cancellationToken);

    /// <summary>Stops taking writes, commits the queued ones and closes every connection.</summary>
    public ValueTask DisposeAsync() =>
        _lifecycle.DisposeAsync(async () =>
        {
            if (_writer is not null)
            {
                await _writer.DisposeAsync();
            }
            await _dataSource.DisposeAsync();
        });

    /// <summary>Same as <see cref="DisposeAsync"/>, for containers disposed synchronously.</summary>
    public void Dispose()
    {
        // The writer loop runs on the thread pool and never needs this thread, so blocking here cannot deadlock.
        DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The writer, for tests that observe group commit.</summary>
    internal PostgresWriter Writer =>
        _writer ?? throw new InvalidOperationException("Call InitializeAsync before using the PostgreSQL store.");

    internal static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var settings = builder.ConnectionStringBuilder;
        if (settings.MaxAutoPrepare == 0)
        {
            // The store runs a few dozen statement texts over and over; prepared, they skip parsing and planning.
            settings.MaxAutoPrepare = 64;
        }
        if (string.IsNullOrEmpty(settings.ApplicationName))
        {
            settings.ApplicationName = "workflows";
        }
        return builder.Build();
    }

    private Task<TResult> WriteAsync<TState, TResult>(
        TState state,
        Func<WriteSession, TState, Task<TResult>> work,
        CancellationToken cancellationToken,
        params IReadOnlyCollection<Guid> lockedJobs) =>
        LimitedWriteAsync(state, work, null, cancellationToken, lockedJobs);

    // A write that creates a leased job of limitedOrganization, which the writer takes the limit lock of first.
    private Task<TResult> LimitedWriteAsync<TState, TResult>(
        TState state,
        Func<WriteSession, TState, Task<TResult>> work,
        string? limitedOrganization,
        CancellationToken cancellationToken,
        params IReadOnlyCollection<Guid> lockedJobs)
    {
        try
        {
            return Writer.EnqueueAsync(state, work, lockedJobs, cancellationToken, limitedOrganization);
        }
        catch (Exception exception)
        {
            return Task.FromException<TResult>(exception);
        }
    }

    private async Task<TResult> ReadAsync<TResult>(
        string sql,
        Action<NpgsqlParameterCollection> bind,
        Func<NpgsqlDataReader, CancellationToken, Task<TResult>> read,
        CancellationToken cancellationToken)
    {
        _ = Writer;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var command = _dataSource.CreateCommand(sql);
                bind(command.Parameters);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                return await read(reader, cancellationToken);
            }
            catch (NpgsqlException exception) when (attempt == 1 && IsConnectionLoss(exception) && !cancellationToken.IsCancellationRequested)
            {
                // A pooled connection the server had cut (a restart, a failover): reads are safe to repeat, on a new one.
                _dataSource.Clear();
            }
        }
    }

    /// <summary>
    /// The connection broke (I/O) or the server shut it down (57P01…57P03), as opposed to the query failing or timing out.
    /// </summary>
    private static bool IsConnectionLoss(NpgsqlException exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("57P", StringComparison.Ordinal),
        _ => exception.InnerException is not TimeoutException,
    };
}
