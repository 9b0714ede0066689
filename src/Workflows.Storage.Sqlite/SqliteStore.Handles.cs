using Workflows.Engine.Storage;
using Workflows.Storage.Sqlite.Internal;

namespace Workflows.Storage.Sqlite;

// Handles (poll tokens, MCP request ids, uploads): one row each, expired rows forgotten by the next put.
public sealed partial class SqliteStore
{
    private const string UpsertHandle =
        "INSERT INTO handles (key, org, target, expires_at) VALUES ($key, $org, $target, $expires) " +
        "ON CONFLICT (key) DO UPDATE SET org = excluded.org, target = excluded.target, expires_at = excluded.expires_at";

    private const string DeleteExpiredHandles = "DELETE FROM handles WHERE expires_at <= $now";

    private const string SelectHandle = "SELECT key, org, target, expires_at FROM handles WHERE key = $key AND expires_at > $now";

    /// <inheritdoc />
    public Task PutHandleAsync(Handle handle, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentException.ThrowIfNullOrEmpty(handle.Key);
        return WriteAsync(
            (handle, now: UnixTime.ToMilliseconds(now)),
            static (connection, request) =>
            {
                connection.Command(DeleteExpiredHandles).Set("$now", request.now).ExecuteNonQuery();
                connection.Command(UpsertHandle)
                    .Set("$key", request.handle.Key)
                    .Set("$org", request.handle.OrganizationId)
                    .Set("$target", request.handle.Target)
                    .Set("$expires", UnixTime.ToMilliseconds(request.handle.ExpiresAt))
                    .ExecuteNonQuery();
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<Handle?> GetHandleAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return ReadAsync(
            (key, now: UnixTime.ToMilliseconds(now)),
            static (connection, request) => connection.Command(SelectHandle).Set("$key", request.key).Set("$now", request.now)
                .ReadFirst(reader => new Handle(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), UnixTime.FromMilliseconds(reader.GetInt64(3)))),
            cancellationToken);
    }
}
