namespace Workflows.Engine.Storage;

/// <summary>
/// A store several nodes share that holds the per-organisation limits itself, so they hold across all nodes (PostgreSQL).
/// The running-job limit is enforced where jobs get a lease: a new job over it is refused
/// (<see cref="RunningLimitException"/>) and claims of due or abandoned jobs leave an organisation's jobs alone while it
/// is at its limit, each in the transaction that takes the lease. The request rate is a token bucket per organisation in
/// the database, from which each node takes tokens a few at a time.
/// </summary>
public interface ISharedLimitStore
{
    /// <summary>Jobs of one organisation that may hold a lease (queued or running) at once across all nodes; 0 means no limit.</summary>
    int MaxRunningJobsPerOrganization { get; }

    /// <summary>
    /// Takes up to <paramref name="want"/> tokens from the organisation's request bucket (refilled at
    /// <paramref name="perSecond"/> tokens a second by the database clock, holding at most <paramref name="burst"/>).
    /// Returns how many it got (0 to <paramref name="want"/>) and, when none, how long until one is there.
    /// </summary>
    Task<RequestTokens> TakeRequestTokensAsync(string organizationId, int want, int perSecond, int burst, CancellationToken cancellationToken);
}

/// <summary>Tokens taken from an organisation's request bucket; <see cref="RetryAfter"/> says when the next one is there.</summary>
public readonly record struct RequestTokens(int Granted, TimeSpan RetryAfter);
