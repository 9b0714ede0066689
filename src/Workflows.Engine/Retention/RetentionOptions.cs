namespace Workflows.Engine.Retention;

/// <summary>How long finished jobs and stored files are kept (config section <c>Workflows:Retention</c>).</summary>
public sealed class RetentionOptions
{
    /// <summary>Config section name.</summary>
    public const string SectionName = "Workflows:Retention";

    /// <summary>
    /// Finished jobs (with their events, outputs, posts and delivery logs) and files older than this are deleted;
    /// zero turns retention off.
    /// </summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the retention pass runs (the first one runs at start).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Jobs deleted per store transaction, so a large backlog never holds the single writer for long.</summary>
    public int BatchSize { get; set; } = 200;
}
