using System.Text.Json.Nodes;

namespace Workflows.Engine.Blocks;

/// <summary>What a block produced.</summary>
/// <param name="Output">Its output, read by later blocks as <c>{{id}}</c>.</param>
public sealed record BlockResult(JsonNode? Output)
{
    /// <summary>When true, <see cref="Output"/> is (part of) the workflow's result.</summary>
    public bool IsWorkflowOutput { get; init; }

    /// <summary>A message to add to the job's posts, if any.</summary>
    public string? Post { get; init; }

    /// <summary>Blocks not to run because of this block (a branch not taken).</summary>
    public IReadOnlyList<string> Skip { get; init; } = [];

    /// <summary>Details for the block_completed event (for example token usage).</summary>
    public JsonObject? Data { get; init; }
}
