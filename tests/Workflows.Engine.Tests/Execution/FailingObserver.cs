using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;
using Workflows.Engine.Execution;

namespace Workflows.Engine.Tests.Execution;

/// <summary>An observer whose store is down: recording a completed block throws.</summary>
public sealed class FailingObserver : IExecutionObserver
{
    public ValueTask BlockStartedAsync(BlockDefinition block, CancellationToken cancellationToken) => default;

    public ValueTask BlockCompletedAsync(BlockDefinition block, BlockResult result, TimeSpan duration, CancellationToken cancellationToken) =>
        throw new IOException("store unavailable");

    public ValueTask BlockFailedAsync(BlockDefinition block, string error, TimeSpan duration, CancellationToken cancellationToken) => default;

    public ValueTask BlockSkippedAsync(BlockDefinition block, string reason, CancellationToken cancellationToken) => default;

    public ValueTask TextDeltaAsync(BlockDefinition block, string text, CancellationToken cancellationToken) => default;

    public ValueTask LogAsync(BlockDefinition block, string message, CancellationToken cancellationToken) => default;
}
