namespace Workflows.Engine.Jobs;

/// <summary>A child job as <see cref="IChildJobRunner.StartAsync"/> found or started it.</summary>
/// <param name="Job">The child's record at that moment.</param>
/// <param name="Existing">True when an earlier attempt of the parent had started it already.</param>
public sealed record ChildJob(JobRecord Job, bool Existing);
