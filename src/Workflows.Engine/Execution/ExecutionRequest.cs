using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;

namespace Workflows.Engine.Execution;

/// <summary>One job's run, as the executor needs it.</summary>
public sealed record ExecutionRequest
{
    /// <summary>The job.</summary>
    public required Guid JobId { get; init; }

    /// <summary>The job's organisation.</summary>
    public required string OrganizationId { get; init; }

    /// <summary>The app.</summary>
    public required AppDefinition App { get; init; }

    /// <summary>The workflow to run.</summary>
    public required WorkflowDefinition Workflow { get; init; }

    /// <summary>Bound launch variables.</summary>
    public required JsonObject LaunchVariables { get; init; }

    /// <summary>
    /// Outputs of blocks that completed in an earlier attempt (after a restart). Those blocks are not run again
    /// and raise no events; their outputs are in scope as if they had just run.
    /// </summary>
    public IReadOnlyDictionary<string, JsonNode?> CompletedOutputs { get; init; } = new Dictionary<string, JsonNode?>();

    /// <summary>Blocks that an earlier attempt recorded as skipped.</summary>
    public IReadOnlySet<string> SkippedBlocks { get; init; } = new HashSet<string>();

    /// <summary>
    /// Blocks that an earlier attempt started but did not finish, with the time of their <c>block_started</c> event.
    /// They run again without a second <c>block_started</c>, and see that original time as
    /// <see cref="Blocks.BlockContext.StartedAt"/> (so a <c>delay</c> resumes its wait instead of starting over).
    /// </summary>
    public IReadOnlyDictionary<string, DateTimeOffset> StartedBlocks { get; init; } = new Dictionary<string, DateTimeOffset>();

    /// <summary>
    /// How long a block may run when it sets no <c>timeout</c> parameter (counted from its first start, like its
    /// duration); null for no limit. <c>delay</c> blocks are exempt from it and only honour their own <c>timeout</c>.
    /// </summary>
    public TimeSpan? DefaultBlockTimeout { get; init; }
}
