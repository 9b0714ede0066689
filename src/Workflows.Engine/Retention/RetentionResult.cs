namespace Workflows.Engine.Retention;

/// <summary>What one retention pass deleted.</summary>
/// <param name="Jobs">Finished jobs deleted, with their events, outputs, posts and delivery logs.</param>
/// <param name="Files">File records deleted (bytes go once no record refers to them).</param>
public sealed record RetentionResult(int Jobs, int Files);
