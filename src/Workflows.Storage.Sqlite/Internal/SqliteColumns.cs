using System.Data.Common;

namespace Workflows.Storage.Sqlite.Internal;

/// <summary>Job ids are lowercase "D" text (which also orders ties in listings); times are UTC unix milliseconds.</summary>
internal readonly struct SqliteColumns : IColumnTypes
{
    private static readonly SqlDialect Dialect = new('$', "app_id IN (SELECT value FROM json_each($apps))");

    /// <summary>The store's SQL: <c>$name</c> parameters, and a JSON array of app ids unpacked by <c>json_each</c>.</summary>
    public static readonly StoreSql Sql = new(Dialect);

    /// <summary>The database file store's statements in this dialect.</summary>
    public static readonly FileSql Files = new(Dialect);

    public static Guid GetId(DbDataReader reader, int ordinal) => JobIds.Parse(reader.GetString(ordinal));

    public static DateTimeOffset GetTime(DbDataReader reader, int ordinal) => UnixTime.FromMilliseconds(reader.GetInt64(ordinal));
}
