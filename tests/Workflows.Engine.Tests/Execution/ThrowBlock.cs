using Workflows.Engine.Blocks;

namespace Workflows.Engine.Tests.Execution;

/// <summary>Fails: a <see cref="BlockException"/> with <c>message</c>, or a plain exception with <c>crash</c>.</summary>
[Block("exec-throw")]
public sealed class ThrowBlock : IBlock
{
    public void Validate(BlockValidationContext context) { }

    public Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken)
    {
        var parameters = context.Definition.Parameters;
        if (parameters["crash"]?.GetValue<string>() is { } crash)
        {
            throw new InvalidOperationException(crash);
        }

        throw new BlockException(parameters["message"]?.GetValue<string>() ?? "failed");
    }
}
