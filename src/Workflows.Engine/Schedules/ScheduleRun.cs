namespace Workflows.Engine.Schedules;

/// <summary>
/// One tick of a schedule as recorded: whichever node records it first owns it, so each tick is handled once on any
/// number of nodes.
/// </summary>
public sealed record ScheduleRun
{
    /// <summary>Owning organisation.</summary>
    public required string OrganizationId { get; init; }

    /// <summary>The schedule.</summary>
    public required string ScheduleId { get; init; }

    /// <summary>The tick's time.</summary>
    public required DateTimeOffset ScheduledTime { get; init; }

    /// <summary>What became of the tick: one of <see cref="ScheduleRunOutcomes"/>.</summary>
    public required string Outcome { get; init; }

    /// <summary>The job the tick started, once started.</summary>
    public Guid? JobId { get; init; }

    /// <summary>Why the tick started nothing, when it failed or was skipped.</summary>
    public string? Error { get; init; }

    /// <summary>When the tick was recorded.</summary>
    public required DateTimeOffset RecordedAt { get; init; }
}

/// <summary>The outcomes of a <see cref="ScheduleRun"/>.</summary>
public static class ScheduleRunOutcomes
{
    /// <summary>Claimed by a node that is starting its job.</summary>
    public const string Starting = "starting";

    /// <summary>Its job was started.</summary>
    public const string Started = "started";

    /// <summary>Skipped: the previous job was unfinished (overlap <c>SKIP</c>, or a second tick under <c>BUFFER_ONE</c>).</summary>
    public const string Skipped = "skipped";

    /// <summary>Waiting for the previous job to end (overlap <c>BUFFER_ONE</c>).</summary>
    public const string Buffered = "buffered";

    /// <summary>The job could not be started (for example the app or workflow is gone).</summary>
    public const string Failed = "failed";
}
