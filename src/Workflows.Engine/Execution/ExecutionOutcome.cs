using System.Text.Json.Nodes;

namespace Workflows.Engine.Execution;

/// <summary>How a run ended.</summary>
/// <param name="Succeeded">True when every block that had to run completed.</param>
/// <param name="Result">The workflow's result: the output block's value, or the object of its variables.</param>
/// <param name="Error">Why it failed, naming the block.</param>
public sealed record ExecutionOutcome(bool Succeeded, JsonNode? Result, string? Error)
{
    /// <summary>The blocks that suspended the job, with what each waits for; empty unless the job waits.</summary>
    public IReadOnlyList<(string BlockId, Blocks.JobWait Wait)> Waits { get; init; } = [];

    /// <summary>Whether the run stopped to wait (nothing else could run, nothing failed).</summary>
    public bool IsWaiting => Waits.Count > 0;

    /// <summary>The job waits for these blocks' waits.</summary>
    public static ExecutionOutcome Waiting(IReadOnlyList<(string BlockId, Blocks.JobWait Wait)> waits) =>
        new(false, null, null) { Waits = waits };

    /// <summary>A success.</summary>
    public static ExecutionOutcome Success(JsonNode? result) => new(true, result, null);

    /// <summary>A failure.</summary>
    public static ExecutionOutcome Failure(string error) => new(false, null, error);
}
