namespace Workflows.Engine.Schedules;

/// <summary>Wakes this node's <see cref="Scheduler"/> early when a schedule changes here, so a new tick is not missed.</summary>
public sealed class ScheduleSignal
{
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes the waiting scheduler (or the next wait at once).</summary>
    public void Wake() => Volatile.Read(ref _signal).TrySetResult();

    /// <summary>Waits for <paramref name="delay"/> on <paramref name="time"/> or until <see cref="Wake"/>, whichever is first.</summary>
    public async Task WaitAsync(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken)
    {
        var signal = Volatile.Read(ref _signal);
        if (!signal.Task.IsCompleted && delay > TimeSpan.Zero)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var sleep = Task.Delay(delay, time, stop.Token);
            await Task.WhenAny(signal.Task, sleep).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (signal.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), signal);
        }
    }
}
