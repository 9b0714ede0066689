using Workflows.Engine.Blocks;

namespace Workflows.Engine.Tests.Execution;

/// <summary>Opens gate <c>signal</c> when it starts, then waits for gate <c>wait</c> (or forever with <c>wait: never</c>).</summary>
[Block("exec-gate")]
public sealed class GateBlock(Gates gates) : IBlock
{
    public void Validate(BlockValidationContext context) { }

    public async Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken)
    {
        var parameters = context.Definition.Parameters;
        if (parameters["signal"]?.GetValue<string>() is { } signal)
        {
            gates.Open(signal);
        }

        var wait = parameters["wait"]?.GetValue<string>();
        if (wait == "never")
        {
            await Gates.WaitForeverAsync(cancellationToken);
        }
        else if (wait is not null)
        {
            await gates.WaitAsync(wait, cancellationToken);
        }

        return new BlockResult(context.Definition.Id);
    }
}
