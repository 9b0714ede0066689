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

    /// <summary>
    /// Jobs of one organisation that may run (hold a lease, queued or running) at once across every node sharing the
    /// database; 0 means no limit. Null takes <c>Workflows:Limits:MaxConcurrentJobs</c> when the engine's limits are
    /// registered. Child jobs count but are never refused, and a job with a cancel request is always claimed.
    /// </summary>
    public int? MaxRunningJobsPerOrganization { get; set; }

    /// <summary>
    /// Lease times (claims, renewals, a new job's lease, node heartbeats) from the database clock (true, the default), so
    /// nodes whose clocks disagree never take each other's live leases. False uses the times the caller passes (tests that
    /// drive the clock).
    /// </summary>
    public bool UseDatabaseClock { get; set; } = true;
}
