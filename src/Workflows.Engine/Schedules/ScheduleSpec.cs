using System.Text.Json.Nodes;

namespace Workflows.Engine.Schedules;

/// <summary>What a caller gives to create a schedule; unset fields take their defaults.</summary>
public sealed record ScheduleSpec
{
    /// <summary>The schedule id; null or empty to have one generated.</summary>
    public string? Id { get; init; }

    /// <summary>The app to run.</summary>
    public required string AppId { get; init; }

    /// <summary>The workflow; null or empty for <c>main</c>.</summary>
    public string? Workflow { get; init; }

    /// <summary>Launch variables of every job.</summary>
    public JsonObject? Variables { get; init; }

    /// <summary>The cron expression.</summary>
    public required string Cron { get; init; }

    /// <summary>IANA time zone; null or empty for UTC.</summary>
    public string? TimeZone { get; init; }

    /// <summary><c>SKIP</c> (default), <c>BUFFER_ONE</c>, <c>ALLOW_ALL</c> or <c>CANCEL_OTHER</c>.</summary>
    public string? Overlap { get; init; }

    /// <summary>How old a missed tick may be and still start; null for 60 s.</summary>
    public TimeSpan? CatchupWindow { get; init; }

    /// <summary>Whether it starts paused.</summary>
    public bool Paused { get; init; }
}

/// <summary>A change to a schedule: null fields stay as they are.</summary>
public sealed record ScheduleUpdate
{
    /// <summary>A new workflow.</summary>
    public string? Workflow { get; init; }

    /// <summary>New launch variables (replacing the old ones).</summary>
    public JsonObject? Variables { get; init; }

    /// <summary>A new cron expression.</summary>
    public string? Cron { get; init; }

    /// <summary>A new time zone.</summary>
    public string? TimeZone { get; init; }

    /// <summary>A new overlap policy.</summary>
    public string? Overlap { get; init; }

    /// <summary>A new catch-up window.</summary>
    public TimeSpan? CatchupWindow { get; init; }

    /// <summary>Pause (true) or resume (false).</summary>
    public bool? Paused { get; init; }
}

/// <summary>A schedule as read back: the record, its next ticks and its newest recorded ticks.</summary>
/// <param name="Schedule">The stored schedule.</param>
/// <param name="NextRunTimes">The next ticks (none while paused).</param>
/// <param name="RecentRuns">The newest recorded ticks, newest first.</param>
public sealed record ScheduleDetails(ScheduleRecord Schedule, IReadOnlyList<DateTimeOffset> NextRunTimes, IReadOnlyList<ScheduleRun> RecentRuns);
