using System.Data.Common;

namespace Workflows.Storage.Relational;

/// <summary>
/// How a database stores the two types the SQL standard leaves open here: job ids and times. Implemented by a struct
/// per store, so <see cref="RowMapper{TColumns}"/> is compiled once per store with the calls inlined.
/// </summary>
public interface IColumnTypes
{
    /// <summary>Reads a non-null job id column.</summary>
    static abstract Guid GetId(DbDataReader reader, int ordinal);

    /// <summary>Reads a non-null time column (UTC, whole milliseconds).</summary>
    static abstract DateTimeOffset GetTime(DbDataReader reader, int ordinal);
}
