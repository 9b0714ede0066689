using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;

namespace Workflows.Server.Tests.Infrastructure;

/// <summary>
/// A test-only block that waits until the test opens the gate named by its <c>name</c> parameter (a template),
/// so a test can hold a job in the running state for exactly as long as it needs, without sleeping.
/// </summary>
[Block("gate")]
public sealed class GateBlock : IBlock
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource<string>> Gates = new();
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Arrivals = new();

    /// <summary>Opens a gate; the blocks waiting on it (now or later) complete with <paramref name="value"/>.</summary>
    public static void Open(string name, string value = "opened") => Gate(name).TrySetResult(value);

    /// <summary>Completes when a block starts waiting on the gate.</summary>
    public static Task Reached(string name) => Arrival(name).Task;

    public void Validate(BlockValidationContext context)
    {
        if (context.Block.Parameters["name"] is null)
        {
            context.Error("gate needs a name");
        }
    }

    public async Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken)
    {
        var name = await context.RenderAsync(context.Definition.Parameters["name"]!.GetValue<string>(), cancellationToken);
        Arrival(name).TrySetResult();
        var value = await Gate(name).Task.WaitAsync(cancellationToken);
        return new BlockResult(JsonValue.Create(value));
    }

    private static TaskCompletionSource<string> Gate(string name) =>
        Gates.GetOrAdd(name, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));

    private static TaskCompletionSource Arrival(string name) =>
        Arrivals.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
