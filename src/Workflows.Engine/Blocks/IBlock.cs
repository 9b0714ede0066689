using Workflows.Engine.Definitions;

namespace Workflows.Engine.Blocks;

/// <summary>
/// A block type. One stateless instance serves every run; the block's own parameters come from
/// <see cref="BlockContext.Definition"/>. A new block is one class with <see cref="BlockAttribute"/>.
/// </summary>
public interface IBlock
{
    /// <summary>
    /// Checks the block's parameters when the workflow is loaded; reports problems through
    /// <see cref="BlockValidationContext.Error"/> so the definition is refused with file, line and reason.
    /// </summary>
    void Validate(BlockValidationContext context);

    /// <summary>Runs the block. Throw <see cref="BlockException"/> for a clear failure message.</summary>
    Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken);

    /// <summary>
    /// The names this block adds to the workflow's result, read when the workflow is loaded; only blocks marked
    /// <see cref="BlockAttribute.WorkflowOutput"/> have any.
    /// </summary>
    IEnumerable<string> OutputVariables(BlockDefinition block) => [];
}
