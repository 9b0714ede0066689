namespace Workflows.Storage.Sqlite.Internal;

/// <summary>One caller's write waiting for the writer; the outcome bookkeeping is the shared <see cref="QueuedWrite"/>.</summary>
internal abstract class WriteOperation(CancellationToken cancellationToken) : QueuedWrite(cancellationToken)
{
    /// <summary>Runs the write on the writer's connection, inside the batch transaction and the item's savepoint.</summary>
    public abstract void Execute(CachedConnection connection);
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
