using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;
using Workflows.Engine.Execution;

namespace Bench.Engine;

/// <summary>An observer that records nothing: what is left is the executor and the blocks.</summary>
internal sealed class NullObserver : IExecutionObserver
{
    public long Completed;

    public ValueTask BlockStartedAsync(BlockDefinition block, CancellationToken cancellationToken) => default;

    public ValueTask BlockCompletedAsync(BlockDefinition block, BlockResult result, TimeSpan duration, CancellationToken cancellationToken)
    {
        Completed++;
        return default;
    }

    public ValueTask BlockFailedAsync(BlockDefinition block, string error, TimeSpan duration, CancellationToken cancellationToken) => default;

    public ValueTask BlockSkippedAsync(BlockDefinition block, string reason, CancellationToken cancellationToken) => default;

    public ValueTask TextDeltaAsync(BlockDefinition block, string text, CancellationToken cancellationToken) => default;

    public ValueTask LogAsync(BlockDefinition block, string message, CancellationToken cancellationToken) => default;

    public ValueTask LogAsync(BlockDefinition block, string message, JsonObject? data, CancellationToken cancellationToken) => default;
}
