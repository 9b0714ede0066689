using System.Collections.Concurrent;

namespace Workflows.Engine.Tests.Execution;

/// <summary>Named one-shot signals shared by test blocks and tests, so ordering is proven by events, not timing.</summary>
public sealed class Gates
{
    /// <summary>Longest a test waits for a signal before it counts as never coming.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);

    public void Open(string name) => Get(name).TrySetResult();

    public Task WaitAsync(string name, CancellationToken cancellationToken = default) =>
        Get(name).Task.WaitAsync(Deadline, cancellationToken);

    /// <summary>Waits until cancelled; for blocks that must still be running when something else happens.</summary>
    public static Task WaitForeverAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

    private TaskCompletionSource Get(string name) =>
        _gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
