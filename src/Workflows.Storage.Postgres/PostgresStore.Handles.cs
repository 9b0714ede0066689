using Npgsql;
using Workflows.Engine.Storage;
using Workflows.Storage.Postgres.Internal;
using Workflows.Storage.Relational;

namespace Workflows.Storage.Postgres;

// Handles (poll tokens, MCP request ids, uploads): one row each, expired rows forgotten by the next put.
public sealed partial class PostgresStore
{
    private const string PutHandle =
        "WITH forgotten AS (DELETE FROM handles WHERE expires_at <= @now AND key <> @key) " +
        "INSERT INTO handles (key, org, target, expires_at) VALUES (@key, @org, @target, @expires) " +
        "ON CONFLICT (key) DO UPDATE SET org = excluded.org, target = excluded.target, expires_at = excluded.expires_at";

    private const string SelectHandle = "SELECT key, org, target, expires_at FROM handles WHERE key = @key AND expires_at > @now";

    /// <inheritdoc />
    public Task PutHandleAsync(Handle handle, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentException.ThrowIfNullOrEmpty(handle.Key);
        return WriteAsync(
            (handle, now),
            static async (session, request) =>
            {
                await using var batch = session.CreateBatch();
                var command = new NpgsqlBatchCommand(PutHandle);
                command.Parameters
                    .Text("key", request.handle.Key)
                    .Text("org", request.handle.OrganizationId)
                    .Text("target", request.handle.Target)
                    .Time("expires", request.handle.ExpiresAt)
                    .Time("now", request.now);
                batch.BatchCommands.Add(command);
                await session.ExecuteAsync(batch);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<Handle?> GetHandleAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return ReadAsync(
            SelectHandle,
            parameters => parameters.Text("key", key).Time("now", now),
            (reader, token) => Rows.ReadFirstAsync(
                reader,
                row => new Handle(row.GetString(0), row.GetString(1), row.GetString(2), row.GetFieldValue<DateTimeOffset>(3)),
                token),
            cancellationToken);
    }
}
