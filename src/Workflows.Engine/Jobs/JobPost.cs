namespace Workflows.Engine.Jobs;

/// <summary>A message a job produced (a thread post).</summary>
/// <param name="Id">Unique within the job.</param>
/// <param name="BlockId">The producing block, or null for the job's own messages.</param>
/// <param name="Role">assistant for block output, system for job messages.</param>
/// <param name="Content">The text.</param>
/// <param name="Time">When it was produced.</param>
public sealed record JobPost(string Id, string? BlockId, string Role, string Content, DateTimeOffset Time);
