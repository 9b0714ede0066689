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

    /// <summary>
    /// Signals and suspension, when the job runner provides them: blocks may then suspend the job
    /// (<see cref="Blocks.BlockWaitException"/>) and take its signals. Null: waiting blocks wait in memory.
    /// </summary>
    public IJobInbox? Inbox { get; init; }

    /// <summary>Asked before each block starts whether the job may still spend (its budget); null for no limit.</summary>
    public ISpendGate? Spending { get; init; }
}

/// <summary>The runner's side of budgets: whether a block may start, given what the job spent so far.</summary>
public interface ISpendGate
{
    /// <summary>Null when <paramref name="block"/> may start; else why not (the job fails with this error).</summary>
    string? Refuse(BlockDefinition block);
}

/// <summary>The runner's side of waiting: a job's stored signals, taken with the completion of the block that asks.</summary>
public interface IJobInbox
{
    /// <summary>The oldest signal of <paramref name="name"/> not taken yet, or null; the runner marks it taken when <paramref name="blockId"/> completes.</summary>
    ValueTask<JsonObject?> TakeSignalAsync(string blockId, string name, CancellationToken cancellationToken);
}
