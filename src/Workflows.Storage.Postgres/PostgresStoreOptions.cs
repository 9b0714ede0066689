namespace Workflows.Storage.Postgres;

/// <summary>Settings of the PostgreSQL store and of its change listener.</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>
    /// An Npgsql connection string, e.g. <c>Host=db;Database=workflows;Username=workflows;Password=…</c>. Never logged.
    /// Unless it says otherwise, the store sets <c>Max Auto Prepare=64</c> and <c>Application Name=workflows</c>.
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// How often the change listener asks every watcher on this node to re-read the store, in case a wake-up from
    /// another node was lost (it also does so whenever it reconnects). Default 5 s.
    /// </summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest the change listener waits between attempts to reconnect (it starts at 1 s and doubles). Default 30 s.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Writes this node may have queued for its writer; past it a write is refused at once with
    /// <see cref="Engine.Storage.StoreBusyException"/> (back-pressure) instead of growing memory.
    /// </summary>
    public int MaxQueuedWrites { get; set; } = Internal.PostgresWriter.DefaultMaxQueued;
}
