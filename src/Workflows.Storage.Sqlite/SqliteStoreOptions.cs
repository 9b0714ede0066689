namespace Workflows.Storage.Sqlite;

/// <summary>Settings of the SQLite store.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>Path of the database file; its directory is created when missing. Must be a file, not <c>:memory:</c>.</summary>
    public string DatabasePath { get; set; } = "";

    /// <summary>
    /// <c>synchronous=FULL</c> (true, the default): a commit survives power loss. False uses <c>NORMAL</c>, which in WAL mode
    /// survives process crashes but may lose the last commits on power loss.
    /// </summary>
    public bool FullSync { get; set; } = true;

    /// <summary>How long a connection waits for a lock held by another process before failing, in milliseconds.</summary>
    public int BusyTimeoutMs { get; set; } = 5000;

    /// <summary>
    /// Writes that may be queued for the writer; past it a write is refused at once with
    /// <see cref="Engine.Storage.StoreBusyException"/> (back-pressure) instead of growing memory.
    /// </summary>
    public int MaxQueuedWrites { get; set; } = Internal.SqliteWriter.DefaultMaxQueued;

    /// <summary>
    /// Jobs of one organisation that claims of due or abandoned jobs let hold a lease at once; 0 means no limit. Null takes
    /// <c>Workflows:Limits:MaxConcurrentJobs</c> when the engine's limits are registered.
    /// </summary>
    public int? MaxRunningJobsPerOrganization { get; set; }
}
