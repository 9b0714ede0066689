using System.Data.Common;
using Workflows.Engine.Storage;
using Workflows.Storage.Relational;

namespace Workflows.Storage.Sqlite.Internal;

/// <summary>The <c>secrets</c> table's statements, shared by the store's writer and <see cref="SqliteSecretStore"/>.</summary>
internal static class SecretRows
{
    private const string Columns = "name, value, previous, previous_valid_until, updated_at";

    private const string Select = $"SELECT {Columns} FROM secrets WHERE name = $name";

    private const string InsertIfAbsent =
        $"INSERT INTO secrets ({Columns}) VALUES ($name, $value, $previous, $until, $now) ON CONFLICT (name) DO NOTHING";

    // Every SET expression sees the row as it was, so "previous" gets the value being replaced.
    private const string Rotate =
        $"INSERT INTO secrets ({Columns}) VALUES ($name, $value, NULL, NULL, $now) " +
        "ON CONFLICT (name) DO UPDATE SET previous = secrets.value, previous_valid_until = $until, value = excluded.value, " +
        $"updated_at = excluded.updated_at RETURNING {Columns}";

    public static StoredSecret? Get(CachedConnection connection, string name) =>
        connection.Command(Select).Set("$name", name).ReadFirst(Map);

    public static StoredSecret Add(CachedConnection connection, StoredSecret secret)
    {
        connection.Command(InsertIfAbsent)
            .Set("$name", secret.Name)
            .Set("$value", secret.Value)
            .Set("$previous", secret.Previous)
            .Set("$until", UnixTime.ToMilliseconds(secret.PreviousValidUntil))
            .Set("$now", UnixTime.ToMilliseconds(secret.UpdatedAt))
            .ExecuteNonQuery();
        return Get(connection, secret.Name)!;
    }

    public static StoredSecret RotateTo(CachedConnection connection, string name, string value, DateTimeOffset until, DateTimeOffset now) =>
        connection.Command(Rotate)
            .Set("$name", name)
            .Set("$value", value)
            .Set("$until", UnixTime.ToMilliseconds(until))
            .Set("$now", UnixTime.ToMilliseconds(now))
            .ReadFirst(Map)!;

    private static StoredSecret Map(DbDataReader row) => new(
        row.GetString(0),
        row.GetString(1),
        row.IsDBNull(2) ? null : row.GetString(2),
        row.IsDBNull(3) ? null : UnixTime.FromMilliseconds(row.GetInt64(3)),
        UnixTime.FromMilliseconds(row.GetInt64(4)));
}
