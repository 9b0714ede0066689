using Workflows.Engine.Jobs;

namespace Workflows.Engine.Schedules;

/// <summary>The names overlap policies have in the API and in <c>app.yaml</c>: <c>SKIP</c>, <c>BUFFER_ONE</c>, <c>ALLOW_ALL</c>, <c>CANCEL_OTHER</c>.</summary>
public static class ScheduleOverlapNames
{
    /// <summary>The accepted names, in the order the docs list them.</summary>
    public static readonly IReadOnlyList<string> All = ["SKIP", "BUFFER_ONE", "ALLOW_ALL", "CANCEL_OTHER"];

    /// <summary>The policy's name.</summary>
    public static string Format(ScheduleOverlap overlap) => overlap switch
    {
        ScheduleOverlap.BufferOne => "BUFFER_ONE",
        ScheduleOverlap.AllowAll => "ALLOW_ALL",
        ScheduleOverlap.CancelOther => "CANCEL_OTHER",
        _ => "SKIP",
    };

    /// <summary>Reads a name (any case; empty means <c>SKIP</c>), or null when it is none of them.</summary>
    public static ScheduleOverlap? TryParse(string? name) => (name ?? "").Trim().ToUpperInvariant() switch
    {
        "" or "SKIP" => ScheduleOverlap.Skip,
        "BUFFER_ONE" => ScheduleOverlap.BufferOne,
        "ALLOW_ALL" => ScheduleOverlap.AllowAll,
        "CANCEL_OTHER" => ScheduleOverlap.CancelOther,
        _ => null,
    };

    /// <summary>Reads a name or throws an <see cref="EngineException"/> naming the <c>overlap</c> field.</summary>
    public static ScheduleOverlap Parse(string? name) =>
        TryParse(name) ?? throw new EngineException(EngineErrorKind.InvalidArgument,
            $"overlap '{name}' is invalid (expected one of: {string.Join(", ", All)})");
}
