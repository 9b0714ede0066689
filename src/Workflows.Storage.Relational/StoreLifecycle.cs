using System.Diagnostics.CodeAnalysis;

namespace Workflows.Storage.Relational;

/// <summary>
/// Start-once and dispose-once for a store: <see cref="StartAsync"/> and <see cref="DisposeAsync"/> never overlap, a
/// second start does nothing, and a start after dispose throws.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The semaphore must outlive DisposeAsync; see _gate.")]
public sealed class StoreLifecycle
{
    // Never disposed: it must keep working for repeated DisposeAsync calls, and a SemaphoreSlim whose wait handle is never
    // used holds no unmanaged resource.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _started;
    private bool _disposed;

    /// <summary>Runs <paramref name="start"/> unless it already ran; <paramref name="owner"/> names the store in an <see cref="ObjectDisposedException"/>.</summary>
    public async Task StartAsync(object owner, Func<CancellationToken, Task> start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, owner);
            if (_started)
            {
                return;
            }
            await start(cancellationToken);
            _started = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs <paramref name="stop"/> the first time only.</summary>
    public async ValueTask DisposeAsync(Func<ValueTask> stop)
    {
        ArgumentNullException.ThrowIfNull(stop);
        await _gate.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            await stop();
        }
        finally
        {
            _gate.Release();
        }
    }
}
