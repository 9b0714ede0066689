using System.Text.Json.Nodes;

namespace Workflows.Engine.Schedules;

/// <summary>A schedule as an <c>app.yaml</c> declares it under <c>schedules:</c>; checked when the app loads.</summary>
public sealed record ScheduleDeclaration
{
    /// <summary>Schedule id (default: <c>APP-WORKFLOW</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The workflow of the app (default <c>main</c>).</summary>
    public required string Workflow { get; init; }

    /// <summary>The cron expression.</summary>
    public required string Cron { get; init; }

    /// <summary>IANA time zone (default UTC).</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>Launch variables.</summary>
    public JsonObject Variables { get; init; } = [];

    /// <summary>Overlap policy.</summary>
    public ScheduleOverlap Overlap { get; init; } = ScheduleOverlap.Skip;

    /// <summary>Catch-up window.</summary>
    public TimeSpan CatchupWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether it is paused.</summary>
    public bool Paused { get; init; }
}
