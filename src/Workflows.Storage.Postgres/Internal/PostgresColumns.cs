using System.Data.Common;

namespace Workflows.Storage.Postgres.Internal;

/// <summary>Job ids are <c>uuid</c>; times are <c>timestamptz</c> cut to milliseconds (<see cref="StoredTime"/>).</summary>
internal readonly struct PostgresColumns : IColumnTypes
{
    private static readonly SqlDialect Dialect = new('@', "app_id = ANY(@apps)");

    /// <summary>The store's SQL: <c>@name</c> parameters, and a <c>text[]</c> of app ids.</summary>
    public static readonly StoreSql Sql = new(Dialect);

    /// <summary>The database file store's statements in this dialect.</summary>
    public static readonly FileSql Files = new(Dialect);

    public static Guid GetId(DbDataReader reader, int ordinal) => reader.GetGuid(ordinal);

    public static DateTimeOffset GetTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);
}
