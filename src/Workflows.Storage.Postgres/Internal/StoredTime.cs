namespace Workflows.Storage.Postgres.Internal;

/// <summary>
/// Times are stored as <c>timestamptz</c> cut to whole milliseconds in UTC, the precision the engine and the SQLite store
/// keep, so what is read back equals what was written.
/// </summary>
internal static class StoredTime
{
    public static readonly long MinMilliseconds = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();

    public static readonly long MaxMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>The time in UTC (Npgsql writes only offset 0 to timestamptz) without sub-millisecond ticks.</summary>
    public static DateTimeOffset Cut(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    public static DateTimeOffset? Cut(DateTimeOffset? time) => time is { } value ? Cut(value) : null;
}
