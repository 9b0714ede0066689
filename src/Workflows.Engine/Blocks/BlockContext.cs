using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;

namespace Workflows.Engine.Blocks;

/// <summary>What a running block sees: its definition, the job's inputs, earlier outputs and ways to report progress.</summary>
public abstract class BlockContext
{
    /// <summary>The job.</summary>
    public required Guid JobId { get; init; }

    /// <summary>The job's organisation.</summary>
    public required string OrganizationId { get; init; }

    /// <summary>The app being run.</summary>
    public required AppDefinition App { get; init; }

    /// <summary>The workflow being run.</summary>
    public required WorkflowDefinition Workflow { get; init; }

    /// <summary>This block as written.</summary>
    public required BlockDefinition Definition { get; init; }

    /// <summary>The job's launch variables.</summary>
    public required JsonObject LaunchVariables { get; init; }

    /// <summary>Outputs of blocks that completed before this one started, by block id.</summary>
    public required IReadOnlyDictionary<string, JsonNode?> Outputs { get; init; }

    /// <summary>
    /// When this block started. For a block resumed after a restart it is the time stored with its first
    /// <c>block_started</c> event, so waits measured from it survive restarts (see <c>delay</c>).
    /// </summary>
    public DateTimeOffset StartedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Whether this block started in an earlier attempt of the job and is being run again after a restart.</summary>
    public bool IsResumed { get; init; }

    /// <summary>
    /// Whether the block may suspend its job by throwing <see cref="BlockWaitException"/> (a job run by the engine; not an
    /// inline block, nor a block run alone). Where it may not, a waiting block waits in memory or fails.
    /// </summary>
    public virtual bool CanSuspend => false;

    /// <summary>
    /// The oldest signal of <paramref name="name"/> sent to the job and not taken yet, or null. It is taken (marked
    /// consumed) together with this block's completion, so a crash in between leaves it for the block's next run.
    /// </summary>
    public virtual ValueTask<JsonObject?> TakeSignalAsync(string name, CancellationToken cancellationToken) =>
        throw new NotSupportedException("this context has no signals");

    /// <summary>Renders a template against launch variables and earlier outputs; a missing variable fails the block.</summary>
    public abstract ValueTask<string> RenderAsync(string template, CancellationToken cancellationToken);

    /// <summary>
    /// Renders every string inside a JSON value. A string that is exactly one <c>{{name}}</c> reference yields the
    /// referenced value itself (object, number …), not its text.
    /// </summary>
    public abstract ValueTask<JsonNode?> RenderValueAsync(JsonNode? value, CancellationToken cancellationToken);

    /// <summary>Reports streamed text (a <c>text_delta</c> event), stored before watchers see it.</summary>
    public abstract ValueTask EmitTextAsync(string delta, CancellationToken cancellationToken);

    /// <summary>Reports a log line (a <c>log</c> event).</summary>
    public abstract ValueTask LogAsync(string message, CancellationToken cancellationToken);

    /// <summary>Reports a log line with details (a <c>log</c> event whose <c>data</c> is <paramref name="data"/>).</summary>
    public virtual ValueTask LogAsync(string message, JsonObject? data, CancellationToken cancellationToken) =>
        LogAsync(message, cancellationToken);

    /// <summary>
    /// Runs another block inline, as part of this one (<c>foreach</c> runs its <c>block</c> per item). The inline block
    /// sees this block's scope plus <paramref name="extraScope"/> (names that shadow block ids, such as <c>item</c>);
    /// its streamed text and logs are reported as this block's. Its own failure throws, as its execution would.
    /// </summary>
    /// <exception cref="BlockException">The block type is unknown or the block failed.</exception>
    public virtual Task<BlockResult> RunBlockAsync(
        BlockDefinition block,
        IReadOnlyDictionary<string, JsonNode?> extraScope,
        CancellationToken cancellationToken) =>
        throw new NotSupportedException("this context cannot run inline blocks");
}
