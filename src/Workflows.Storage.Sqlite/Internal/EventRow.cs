namespace Workflows.Storage.Sqlite.Internal;

/// <summary>
/// The one job_events row of a write (<see cref="EventBatch"/>): its first event in the columns, the later ones as the
/// text of the <c>more</c> column, serialised on the caller's thread so the writer only binds.
/// </summary>
/// <param name="First">The first event.</param>
/// <param name="Later">The later events, or null when there are none.</param>
internal sealed record EventRow(PreparedEvent First, string? Later)
{
    /// <summary>The row holding <paramref name="events"/>, or null when there are none.</summary>
    public static EventRow? Of(PreparedEvent[] events) =>
        events.Length == 0 ? null : new EventRow(events[0], EventBatch.WriteLater(events));
}
