namespace Workflows.Engine.Jobs.Internal;

/// <summary>
/// Job times as the stores keep them: whole milliseconds. Events, posts and job timestamps are cut to that before
/// they are committed and published, so an event told to a live watcher is identical to the same event replayed from
/// the store later (after a restart too).
/// </summary>
internal static class StoredTime
{
    /// <summary>The current time, cut to whole milliseconds.</summary>
    public static DateTimeOffset Now(TimeProvider time)
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
    }

    /// <summary><paramref name="time"/> in UTC, cut to whole milliseconds.</summary>
    public static DateTimeOffset Of(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerMillisecond));
    }
}
