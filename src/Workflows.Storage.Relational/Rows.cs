using System.Data.Common;
using System.Text.Json.Nodes;

namespace Workflows.Storage.Relational;

/// <summary>Reads every row of a result with a <see cref="RowMapper{TColumns}"/> function, for synchronous and asynchronous providers.</summary>
public static class Rows
{
    /// <summary>Every row, in order.</summary>
    public static List<T> ReadAll<T>(DbDataReader reader, Func<DbDataReader, T> map)
    {
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(map(reader));
        }
        return rows;
    }

    /// <summary>Every row, in order.</summary>
    public static async Task<List<T>> ReadAllAsync<T>(DbDataReader reader, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }
        return rows;
    }

    /// <summary>The first row, or default when there is none.</summary>
    public static T? ReadFirst<T>(DbDataReader reader, Func<DbDataReader, T> map) => reader.Read() ? map(reader) : default;

    /// <summary>The first row, or default when there is none.</summary>
    public static async Task<T?> ReadFirstAsync<T>(DbDataReader reader, Func<DbDataReader, T> map, CancellationToken cancellationToken) =>
        await reader.ReadAsync(cancellationToken) ? map(reader) : default;

    /// <summary>Block outputs by block id (the rows of <see cref="StoreSql.SelectOutputs"/>).</summary>
    public static Dictionary<string, JsonNode?> ReadOutputs(DbDataReader reader)
    {
        var outputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        while (reader.Read())
        {
            outputs[reader.GetString(0)] = StoredJson.Parse(reader.GetString(1));
        }
        return outputs;
    }

    /// <summary>Block outputs by block id (the rows of <see cref="StoreSql.SelectOutputs"/>).</summary>
    public static async Task<Dictionary<string, JsonNode?>> ReadOutputsAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var outputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            outputs[reader.GetString(0)] = StoredJson.Parse(reader.GetString(1));
        }
        return outputs;
    }
}
