using Workflows.Engine.Blocks;

namespace Workflows.Engine.Execution;

/// <summary>
/// Runs one job's blocks in memory: in order, or after the blocks they name, in parallel where independent.
/// It never touches storage; it reports everything to an <see cref="IExecutionObserver"/>.
/// </summary>
public sealed class WorkflowExecutor(BlockRegistry blocks, IServiceProvider services)
{
    /// <summary>
    /// Runs the workflow. Returns the outcome; throws <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> fires.
    /// </summary>
    public Task<ExecutionOutcome> ExecuteAsync(ExecutionRequest request, IExecutionObserver observer, CancellationToken cancellationToken) =>
        throw new NotImplementedException($"{blocks}{services}{request}{observer}{cancellationToken}");
}
