using System.Text.Json.Nodes;

namespace Workflows.Engine.Schedules;

/// <summary>A schedule as stored: which workflow to start, on which cron, and what to do with overlaps and missed ticks.</summary>
public sealed record ScheduleRecord
{
    /// <summary>Schedule id, unique within the organisation.</summary>
    public required string Id { get; init; }

    /// <summary>Owning organisation.</summary>
    public required string OrganizationId { get; init; }

    /// <summary>The app whose workflow it starts.</summary>
    public required string AppId { get; init; }

    /// <summary>The workflow's name (<c>main</c> when none was given).</summary>
    public required string Workflow { get; init; }

    /// <summary>Launch variables of every job it starts.</summary>
    public JsonObject Variables { get; init; } = [];

    /// <summary>The cron expression as given: 5 fields, 6 with seconds first, or a name such as <c>@hourly</c>.</summary>
    public required string Cron { get; init; }

    /// <summary>IANA time zone the cron is read in.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>What a tick does while the previous job runs.</summary>
    public ScheduleOverlap Overlap { get; init; } = ScheduleOverlap.Skip;

    /// <summary>How old a missed tick may be and still be started (ticks missed while no node ran).</summary>
    public TimeSpan CatchupWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether ticks are ignored for now.</summary>
    public bool Paused { get; init; }

    /// <summary>Where it was declared: <c>api</c>, or <c>app</c> for a schedule of an <c>app.yaml</c>.</summary>
    public string Source { get; init; } = "api";

    /// <summary>Id of the token that created it (empty for app-declared schedules).</summary>
    public string CreatedBy { get; init; } = "";

    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// Ticks at or before this time are never started: set when the schedule is created, unpaused or given a new cron
    /// or time zone, so none of those catches up ticks from before.
    /// </summary>
    public required DateTimeOffset TicksFrom { get; init; }

    /// <summary>Not written: the newest tick the store has a run of, as read back (null when none).</summary>
    public DateTimeOffset? LastTickAt { get; init; }
}
