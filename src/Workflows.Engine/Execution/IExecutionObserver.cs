using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;

namespace Workflows.Engine.Execution;

/// <summary>
/// Receives what happens during a run. The runner implements it by queuing each report as a store commit, in
/// order; nothing reaches watchers before it is durable, and the job's terminal commit waits for all of them.
/// Calls for blocks running in parallel may arrive concurrently.
/// </summary>
public interface IExecutionObserver
{
    /// <summary>A block is about to run.</summary>
    ValueTask BlockStartedAsync(BlockDefinition block, CancellationToken cancellationToken);

    /// <summary>A block completed; its output is checkpointed (in order with the job's other commits).</summary>
    ValueTask BlockCompletedAsync(BlockDefinition block, BlockResult result, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>A block failed; the run fails after this.</summary>
    ValueTask BlockFailedAsync(BlockDefinition block, string error, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>A block will not run (a branch not taken).</summary>
    ValueTask BlockSkippedAsync(BlockDefinition block, string reason, CancellationToken cancellationToken);

    /// <summary>A block streamed text.</summary>
    ValueTask TextDeltaAsync(BlockDefinition block, string text, CancellationToken cancellationToken);

    /// <summary>A block logged a line.</summary>
    ValueTask LogAsync(BlockDefinition block, string message, CancellationToken cancellationToken);

    /// <summary>A block logged a line with details; observers that keep no details record only the line.</summary>
    ValueTask LogAsync(BlockDefinition block, string message, JsonObject? data, CancellationToken cancellationToken) =>
        LogAsync(block, message, cancellationToken);
}
