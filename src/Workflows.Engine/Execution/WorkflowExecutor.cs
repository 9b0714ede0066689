using System.Runtime.CompilerServices;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;
using Workflows.Engine.Execution.Internal;
using Workflows.Engine.Templating;

namespace Workflows.Engine.Execution;

/// <summary>
/// Runs one job's blocks in memory: in order, or after the blocks they name, in parallel where independent.
/// It never touches storage; it reports everything to an <see cref="IExecutionObserver"/>.
/// </summary>
public sealed class WorkflowExecutor(BlockRegistry blocks, TemplateRenderer renderer, TimeProvider time)
{

    // Dependency counts and dependents are worked out once per loaded definition, not once per job.
    private readonly ConditionalWeakTable<WorkflowDefinition, ExecutionPlan> _plans = [];

    /// <summary>An executor with the shared renderer and the system clock.</summary>
    public WorkflowExecutor(BlockRegistry blocks)
        : this(blocks, TemplateRenderer.Shared, TimeProvider.System)
    {
    }

    /// <summary>
    /// Runs the workflow. Returns the outcome; throws <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> fires.
    /// </summary>
    public Task<ExecutionOutcome> ExecuteAsync(ExecutionRequest request, IExecutionObserver observer, CancellationToken cancellationToken)
    {
        var plan = _plans.GetValue(request.Workflow, workflow => ExecutionPlan.Create(workflow, blocks));
        return new WorkflowRun(plan, request, observer, renderer, blocks, time, cancellationToken).RunAsync();
    }
}
