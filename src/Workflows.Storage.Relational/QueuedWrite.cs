namespace Workflows.Storage.Relational;

/// <summary>
/// One caller's write waiting for a store's group-committing writer. Its outcome is recorded while the group runs and
/// reported only after the group's transaction committed (or failed). The store's subclass runs the work and owns the
/// caller's task.
/// </summary>
/// <param name="cancellationToken">The caller's token; a write it cancels before the writer reaches it is not run.</param>
public abstract class QueuedWrite(CancellationToken cancellationToken)
{
    private Exception? _failure;
    private bool _canceled;

    /// <summary>The caller's token.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

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

    /// <summary>Completes the caller's task with the work's result.</summary>
    protected abstract void SetResult();

    /// <summary>Fails the caller's task.</summary>
    protected abstract void SetException(Exception exception);

    /// <summary>Cancels the caller's task.</summary>
    protected abstract void SetCanceled(CancellationToken cancellationToken);
}
