using Workflows.Engine.Jobs;

namespace Workflows.Storage.Relational;

/// <summary>An event with its JSON serialised (null when absent).</summary>
/// <param name="Event">The event.</param>
/// <param name="Output">Its output as stored JSON.</param>
/// <param name="Data">Its data as stored JSON.</param>
public sealed record PreparedEvent(JobEvent Event, string? Output, string? Data)
{
    /// <summary>Serialises each event once.</summary>
    public static PreparedEvent[] FromAll(IReadOnlyList<JobEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var prepared = new PreparedEvent[events.Count];
        for (var i = 0; i < prepared.Length; i++)
        {
            var e = events[i];
            prepared[i] = new PreparedEvent(e, StoredJson.WriteOrNull(e.Output), StoredJson.WriteOrNull(e.Data));
        }
        return prepared;
    }
}
