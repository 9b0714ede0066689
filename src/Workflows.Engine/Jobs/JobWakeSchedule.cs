namespace Workflows.Engine.Jobs;

/// <summary>
/// What wakes <see cref="JobWaker"/> before its next poll: the nearest due time this node knows of (a job it suspended)
/// and immediate nudges (a signal or cancel for a waiting job). Only hints: the store's rows are the truth, and the
/// waker polls them anyway.
/// </summary>
public sealed class JobWakeSchedule
{
    private readonly Lock _lock = new();
    private DateTimeOffset? _nearest;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A waiting job is due at <paramref name="at"/>: the waker looks then at the latest.</summary>
    public void DueAt(DateTimeOffset at)
    {
        lock (_lock)
        {
            if (_nearest is { } nearest && nearest <= at)
            {
                return;
            }

            _nearest = at;
            _changed.TrySetResult();
        }
    }

    /// <summary>Something is due now: the waker looks at once.</summary>
    public void Now() => DueAt(DateTimeOffset.MinValue);

    /// <summary>
    /// Waits until the nearest known due time, a nudge, or <paramref name="poll"/>, whichever comes first; then forgets
    /// the due times that have come.
    /// </summary>
    public async Task WaitAsync(TimeProvider time, TimeSpan poll, CancellationToken cancellationToken)
    {
        Task changed;
        TimeSpan delay;
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (_nearest is { } nearest && nearest <= now)
            {
                _nearest = null;
                return;
            }

            delay = _nearest is { } next && next - now < poll ? next - now : poll;
            if (_changed.Task.IsCompleted)
            {
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed = _changed.Task;
        }

        await Task.WhenAny(changed, Task.Delay(delay, time, cancellationToken)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_nearest is { } nearest && nearest <= time.GetUtcNow())
            {
                _nearest = null;
            }
        }
    }
}
