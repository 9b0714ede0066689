namespace Workflows.Storage.Postgres.Internal;

/// <summary>
/// One caller's write waiting for the writer. Its outcome is recorded while the group runs and reported only after the
/// group's transaction committed (or failed).
/// </summary>
internal abstract class WriteOperation(IReadOnlyCollection<Guid> lockedJobs, CancellationToken cancellationToken)
{
    private Exception? _failure;
    private bool _canceled;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Jobs whose rows the write changes; the writer locks them, in id order, before the group's first write.</summary>
    public IReadOnlyCollection<Guid> LockedJobs { get; } = lockedJobs;

    /// <summary>Runs the write inside the group's transaction and the item's savepoint.</summary>
    public abstract Task ExecuteAsync(WriteSession session);

    /// <summary>The write failed and its savepoint was rolled back; the others in the group go on.</summary>
    public void RecordFailure(Exception exception) => _failure = exception;

    /// <summary>The caller gave up before the writer reached the write, so it was not run.</summary>
    public void RecordCanceled() => _canceled = true;

    /// <summary>Forgets the recorded outcome: the group's transaction is gone and the write runs again in a new one.</summary>
    public virtual void Reset()
    {
        _failure = null;
        _canceled = false;
    }

    /// <summary>Reports the recorded outcome once the group committed.</summary>
    public void Complete()
    {
        if (_canceled)
        {
            SetCanceled(CancellationToken);
        }
        else if (_failure is not null)
        {
            SetException(_failure);
        }
        else
        {
            SetResult();
        }
    }

    /// <summary>The whole group was rolled back: nothing of this write is stored.</summary>
    public void Fail(Exception groupFailure)
    {
        if (_canceled)
        {
            SetCanceled(CancellationToken);
        }
        else
        {
            SetException(_failure ?? groupFailure);
        }
    }

    protected abstract void SetResult();

    protected abstract void SetException(Exception exception);

    protected abstract void SetCanceled(CancellationToken cancellationToken);
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
