using System.Text.Json.Nodes;
using Workflows.Blocks.Internal;
using Workflows.Engine.Definitions;
using Workflows.Engine.Templating;

namespace Workflows.Blocks;

/// <summary>
/// <c>type: wait_for_signal</c> — waits for a signal sent to the job (<c>SignalJob</c>, <c>POST
/// /v1/jobs/{id}/signals/{name}</c>): a person's approval, another system's answer. The job waits as stored data
/// (nothing in memory); a signal sent before the job reached the block is kept and taken here. Its output is the
/// payload (<c>{{approval.approved}}</c>), checked against <c>schema</c> when it is sent. With a <c>timeout</c> the wait
/// ends then: the block fails (<c>onTimeout: fail</c>, the default) or outputs null (<c>onTimeout: continue</c>).
/// </summary>
[Block(TypeName, Description = "Waits for a signal sent to the job (an approval, an answer); its output is the payload.", Waits = true)]
[BlockOption(SignalParameter, BlockOptionType.String, Description = "The signal's name; the block id when left out.")]
[BlockOption(MessageParameter, BlockOptionType.Template, Description = "Text for the person deciding (a template), shown in job_waiting.")]
[BlockOption(SchemaParameter, BlockOptionType.Object, Description = "The payload's fields, in the same form as launchVariables.")]
[BlockOption(OnTimeoutParameter, BlockOptionType.String, Values = [FailOnTimeout, ContinueOnTimeout], Description = "On timeout: fail (the default) or continue with a null output.")]
public sealed class WaitForSignalBlock(TemplateRenderer renderer, TimeProvider time) : IBlock, ISignalReceiver
{
    /// <summary>The block type name.</summary>
    public const string TypeName = "wait_for_signal";

    /// <summary>The signal's name (default: the block id).</summary>
    public const string SignalParameter = "signal";

    /// <summary>Text for the person deciding.</summary>
    public const string MessageParameter = "message";

    /// <summary>The payload's fields.</summary>
    public const string SchemaParameter = "schema";

    /// <summary>What a timeout does.</summary>
    public const string OnTimeoutParameter = "onTimeout";

    /// <summary>A timeout fails the block.</summary>
    public const string FailOnTimeout = "fail";

    /// <summary>A timeout completes the block with a null output.</summary>
    public const string ContinueOnTimeout = "continue";

    /// <summary>The signal name <paramref name="block"/> waits for.</summary>
    public static string SignalName(BlockDefinition block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return Parameters.GetString(block, SignalParameter) is { Length: > 0 } name ? name : block.Id;
    }

    /// <summary>The payload fields <paramref name="block"/> declares (none when it declares no schema).</summary>
    public static IReadOnlyList<LaunchVariableDefinition> Schema(BlockDefinition block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return SignalSchema.Parse(block.Parameters[SchemaParameter]);
    }

    /// <inheritdoc />
    string ISignalReceiver.SignalName(BlockDefinition block) => SignalName(block);

    /// <inheritdoc />
    public JsonObject BindPayload(BlockDefinition block, JsonObject payload) => SignalSchema.Bind(Schema(block), payload);

    /// <inheritdoc />
    public void Validate(BlockValidationContext context)
    {
        var block = context.Block;
        if (block.Parameters.ContainsKey(SignalParameter))
        {
            var name = Parameters.ValidateRequiredString(context, SignalParameter);
            if (name.Contains("{{", StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal) || name.Length > 100)
            {
                context.Error($"'{SignalParameter}': '{name}' must be a plain name (no template, no '/', at most 100 characters)");
            }
        }

        if (Parameters.GetString(block, MessageParameter) is { } message)
        {
            Parameters.ValidateTemplate(context, renderer, message, MessageParameter);
        }

        try
        {
            _ = Schema(block);
        }
        catch (ArgumentException ex)
        {
            context.Error(ex.Message);
        }

        if (Parameters.GetString(block, OnTimeoutParameter) is { } onTimeout && onTimeout is not (FailOnTimeout or ContinueOnTimeout))
        {
            context.Error($"'{OnTimeoutParameter}': '{onTimeout}' must be '{FailOnTimeout}' or '{ContinueOnTimeout}'");
        }

        if (block.Timeout is { } timeout && timeout > DelayBlock.MaxDuration)
        {
            context.Error($"'{BlockDefinition.TimeoutParameter}': longer than the 366 days a wait may last");
        }
    }

    /// <inheritdoc />
    public async Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken)
    {
        if (!context.CanSuspend)
        {
            throw new BlockException("wait_for_signal can only run as a block of a job (not inside another block)");
        }

        var block = context.Definition;
        var name = SignalName(block);
        if (await context.TakeSignalAsync(name, cancellationToken) is { } payload)
        {
            return new BlockResult(payload);
        }

        DateTimeOffset? expiresAt = block.Timeout is { } timeout ? context.StartedAt + timeout : null;
        if (expiresAt <= time.GetUtcNow())
        {
            return Parameters.GetString(block, OnTimeoutParameter) == ContinueOnTimeout
                ? new BlockResult(null)
                : throw new BlockException($"no signal '{name}' came within {DurationParser.Format(block.Timeout!.Value)}");
        }

        var message = Parameters.GetString(block, MessageParameter) is { } template
            ? await context.RenderAsync(template, cancellationToken)
            : null;
        throw new BlockWaitException(new JobWait
        {
            Reason = JobWait.SignalReason,
            Signal = name,
            Message = message,
            Schema = block.Parameters[SchemaParameter]?.DeepClone(),
            ExpiresAt = expiresAt,
        });
    }
}
