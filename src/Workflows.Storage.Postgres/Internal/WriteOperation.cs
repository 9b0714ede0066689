namespace Workflows.Storage.Postgres.Internal;

/// <summary>One caller's write waiting for the writer; the outcome bookkeeping is the shared <see cref="QueuedWrite"/>.</summary>
internal abstract class WriteOperation(IReadOnlyCollection<Guid> lockedJobs, CancellationToken cancellationToken)
    : QueuedWrite(cancellationToken)
{
    /// <summary>Jobs whose rows the write changes; the writer locks them, in id order, before the group's first write.</summary>
    public IReadOnlyCollection<Guid> LockedJobs { get; } = lockedJobs;

    /// <summary>
    /// The organisation whose running-job limit the write checks (it creates a leased job), or null; the writer takes its
    /// limit lock, in bucket order with the group's others, before the group's first write.
    /// </summary>
    public string? LimitedOrganization { get; init; }

    /// <summary>Runs the write inside the group's transaction and the item's savepoint.</summary>
    public abstract Task ExecuteAsync(WriteSession session);
}

/// <summary>A write with its state and result; the work is a static function so queuing allocates one object.</summary>
internal sealed class WriteOperation<TState, TResult>(
    TState state,
    Func<WriteSession, TState, Task<TResult>> work,
    IReadOnlyCollection<Guid> lockedJobs,
    CancellationToken cancellationToken) : WriteOperation(lockedJobs, cancellationToken)
{
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TResult? _result;

    public Task<TResult> Task => _completion.Task;

    public override async Task ExecuteAsync(WriteSession session) => _result = await work(session, state);

    public override void Reset()
    {
        base.Reset();
        _result = default;
    }

    protected override void SetResult() => _completion.TrySetResult(_result!);

    protected override void SetException(Exception exception) => _completion.TrySetException(exception);

    protected override void SetCanceled(CancellationToken cancellationToken) => _completion.TrySetCanceled(cancellationToken);
}
