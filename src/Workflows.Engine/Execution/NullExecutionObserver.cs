using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;

namespace Workflows.Engine.Execution;

/// <summary>An observer that keeps nothing, for running a workflow in memory when only its outcome matters.</summary>
public sealed class NullExecutionObserver : IExecutionObserver
{
    /// <summary>The one instance (it has no state).</summary>
    public static NullExecutionObserver Instance { get; } = new();

    private NullExecutionObserver() { }

    /// <inheritdoc />
    public ValueTask BlockStartedAsync(BlockDefinition block, CancellationToken cancellationToken) => default;

    /// <inheritdoc />
    public ValueTask BlockCompletedAsync(BlockDefinition block, BlockResult result, TimeSpan duration, CancellationToken cancellationToken) => default;

    /// <inheritdoc />
    public ValueTask BlockFailedAsync(BlockDefinition block, string error, TimeSpan duration, CancellationToken cancellationToken) => default;

    /// <inheritdoc />
    public ValueTask BlockSkippedAsync(BlockDefinition block, string reason, CancellationToken cancellationToken) => default;

    /// <inheritdoc />
    public ValueTask TextDeltaAsync(BlockDefinition block, string text, CancellationToken cancellationToken) => default;

    /// <inheritdoc />
    public ValueTask LogAsync(BlockDefinition block, string message, CancellationToken cancellationToken) => default;
}
