namespace Workflows.Engine.Schedules;

/// <summary>How the <see cref="Scheduler"/> runs (<c>Workflows:Schedules</c>).</summary>
public sealed class ScheduleOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Workflows:Schedules";

    /// <summary>
    /// The longest the scheduler sleeps before reading the schedules again; a change made on another node is seen within
    /// it (changes made on this node wake it at once). Default 5 s.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether this node runs the scheduler at all (default true).</summary>
    public bool Enabled { get; set; } = true;
}
