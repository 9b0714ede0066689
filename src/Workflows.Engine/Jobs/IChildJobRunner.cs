namespace Workflows.Engine.Jobs;

/// <summary>
/// Starts and follows child jobs for blocks that run other workflows (<c>run_workflow</c>, <c>foreach</c>). Blocks get
/// it through their constructor. A child is a real job, linked to its parent by
/// <see cref="JobRecord.ParentJobId"/>, watched and stored like any other.
/// </summary>
public interface IChildJobRunner
{
    /// <summary>
    /// Starts the child job, or finds the one an earlier attempt of the parent started with the same idempotency key
    /// (so a resumed parent never starts a second child).
    /// </summary>
    /// <exception cref="Blocks.BlockException">The app or workflow is unknown, the variables do not bind, or children nest too deep.</exception>
    Task<ChildJob> StartAsync(ChildJobRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Follows a child job to its end, handing each of its events after <paramref name="afterSequence"/> to
    /// <paramref name="onEvent"/>, and returns its final record. When <paramref name="cancellationToken"/> fires the
    /// child is cancelled too, except while the service shuts down (then both resume on the next start).
    /// </summary>
    Task<JobRecord> FollowAsync(
        JobRecord child,
        long afterSequence,
        Func<JobEvent, CancellationToken, ValueTask>? onEvent,
        CancellationToken cancellationToken);
}
