using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;

namespace Workflows.Engine.Tests.Execution;

/// <summary>Outputs what the context says about its start: <c>{ "startedAt": "...", "resumed": bool }</c>.</summary>
[Block("exec-started-at")]
public sealed class StartedAtBlock : IBlock
{
    public void Validate(BlockValidationContext context) { }

    public Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new BlockResult(new JsonObject
        {
            ["startedAt"] = context.StartedAt.ToUnixTimeMilliseconds(),
            ["resumed"] = context.IsResumed,
        }));
}
