using System.Data;
using System.Data.Common;

namespace Workflows.Storage.Relational.Tests;

/// <summary>Ids as "D" text and times as unix milliseconds (the SQLite layout), read from an in-memory table.</summary>
internal readonly struct TextColumns : IColumnTypes
{
    public static Guid GetId(DbDataReader reader, int ordinal) => Guid.ParseExact(reader.GetString(ordinal), "D");

    public static DateTimeOffset GetTime(DbDataReader reader, int ordinal) => DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    /// <summary>A reader over one row whose columns are named by <paramref name="columns"/> and typed by the values' types.</summary>
    public static DbDataReader Row(string columns, Type[] types, params object?[] values)
    {
        var table = new DataTable();
        var names = columns.Split(", ");
        for (var i = 0; i < names.Length; i++)
        {
            table.Columns.Add(names[i], types[i]);
        }
        table.Rows.Add(Array.ConvertAll(values, v => v ?? DBNull.Value));
        var reader = table.CreateDataReader();
        Assert.True(reader.Read());
        return reader;
    }
}
