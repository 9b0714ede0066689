namespace Workflows.Storage.Sqlite.Internal;

/// <summary>
/// One caller's write waiting for the writer. Its outcome is recorded while the batch runs and reported only
/// after the batch's transaction committed (or failed).
/// </summary>
internal abstract class WriteOperation(CancellationToken cancellationToken)
{
    private Exception? _failure;
    private bool _canceled;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Runs the write on the writer's connection, inside the batch transaction and the item's savepoint.</summary>
    public abstract void Execute(CachedConnection connection);

    /// <summary>The write failed and its savepoint was rolled back; the others in the batch go on.</summary>
    public void RecordFailure(Exception exception) => _failure = exception;

    /// <summary>The caller gave up before the writer reached the write, so it was not run.</summary>
    public void RecordCanceled() => _canceled = true;

    /// <summary>Reports the recorded outcome once the batch committed.</summary>
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

    /// <summary>The whole batch was rolled back: nothing of this write is stored.</summary>
    public void Fail(Exception batchFailure)
    {
        if (_canceled)
        {
            SetCanceled(CancellationToken);
        }
        else
        {
            SetException(_failure ?? batchFailure);
        }
    }

    protected abstract void SetResult();

    protected abstract void SetException(Exception exception);

    protected abstract void SetCanceled(CancellationToken cancellationToken);
}

/// <summary>A write with its state and result; the work is a static function so queuing allocates one object.</summary>
internal sealed class WriteOperation<TState, TResult>(
    TState state,
    Func<CachedConnection, TState, TResult> work,
    CancellationToken cancellationToken) : WriteOperation(cancellationToken)
{
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TResult? _result;

    public Task<TResult> Task => _completion.Task;

    public override void Execute(CachedConnection connection) => _result = work(connection, state);

    protected override void SetResult() => _completion.TrySetResult(_result!);

    protected override void SetException(Exception exception) => _completion.TrySetException(exception);

    protected override void SetCanceled(CancellationToken cancellationToken) => _completion.TrySetCanceled(cancellationToken);
}
