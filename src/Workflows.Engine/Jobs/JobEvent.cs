using System.Text.Json.Nodes;

namespace Workflows.Engine.Jobs;

/// <summary>Something that happened to a job, numbered 1, 2, 3 … per job.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Sequence">Position in the job's event log, starting at 1, without gaps.</param>
/// <param name="Type">One of <see cref="JobEventTypes"/>.</param>
/// <param name="Time">When it happened.</param>
public sealed record JobEvent(Guid JobId, long Sequence, string Type, DateTimeOffset Time)
{
    /// <summary>The block concerned.</summary>
    public string? BlockId { get; init; }

    /// <summary>The block's type name.</summary>
    public string? BlockType { get; init; }

    /// <summary>Streamed text (text_delta) or a log message (log).</summary>
    public string? Text { get; init; }

    /// <summary>How long the block or job took.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>A block's output, or the job's result.</summary>
    public JsonNode? Output { get; init; }

    /// <summary>An error or cancellation reason.</summary>
    public string? Error { get; init; }

    /// <summary>Type-specific details, such as token usage.</summary>
    public JsonObject? Data { get; init; }

    /// <summary>Whether this event ends the job's stream.</summary>
    public bool IsTerminal => JobEventTypes.IsTerminal(Type);
}
