namespace Workflows.Engine.Storage.InMemory.Internal;

/// <summary>
/// Times as the database stores keep them: whole UTC milliseconds, the offset dropped, so a time reads back from this
/// store exactly as it would from SQLite or PostgreSQL and comparisons (leases, expiry, due messages) agree with theirs.
/// </summary>
internal static class StoredTime
{
    public static DateTimeOffset Of(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    public static DateTimeOffset? Of(DateTimeOffset? time) => time is { } value ? Of(value) : null;
}
