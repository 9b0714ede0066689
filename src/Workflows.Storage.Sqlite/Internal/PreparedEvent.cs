using Workflows.Engine.Jobs;

namespace Workflows.Storage.Sqlite.Internal;

/// <summary>An event with its JSON serialised (SQL NULL when absent).</summary>
internal sealed record PreparedEvent(JobEvent Event, string? Output, string? Data)
{
    public static PreparedEvent[] FromAll(IReadOnlyList<JobEvent> events)
    {
        var prepared = new PreparedEvent[events.Count];
        for (var i = 0; i < prepared.Length; i++)
        {
            var e = events[i];
            prepared[i] = new PreparedEvent(e, StoredJson.WriteOrNull(e.Output), StoredJson.WriteOrNull(e.Data));
        }
        return prepared;
    }
}
