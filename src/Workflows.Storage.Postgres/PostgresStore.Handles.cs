using Npgsql;
using Workflows.Engine.Storage;
using Workflows.Storage.Postgres.Internal;
using Workflows.Storage.Relational;

namespace Workflows.Storage.Postgres;

// Job handles (poll tokens, MCP request ids): one row each, expired rows forgotten by the next put.
public sealed partial class PostgresStore
{
    private const string PutHandle =
        "WITH forgotten AS (DELETE FROM job_handles WHERE expires_at <= @now AND key <> @key) " +
        "INSERT INTO job_handles (key, org, job_id, expires_at) VALUES (@key, @org, @job, @expires) " +
        "ON CONFLICT (key) DO UPDATE SET org = excluded.org, job_id = excluded.job_id, expires_at = excluded.expires_at";

    private const string SelectHandle = "SELECT key, org, job_id, expires_at FROM job_handles WHERE key = @key AND expires_at > @now";

    /// <inheritdoc />
    public Task PutJobHandleAsync(JobHandle handle, DateTimeOffset now, CancellationToken cancellationToken)
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
                    .Uuid("job", request.handle.JobId)
                    .Time("expires", request.handle.ExpiresAt)
                    .Time("now", request.now);
                batch.BatchCommands.Add(command);
                await session.ExecuteAsync(batch);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<JobHandle?> GetJobHandleAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return ReadAsync(
            SelectHandle,
            parameters => parameters.Text("key", key).Time("now", now),
            (reader, token) => Rows.ReadFirstAsync(
                reader,
                row => new JobHandle(row.GetString(0), row.GetString(1), row.GetGuid(2), row.GetFieldValue<DateTimeOffset>(3)),
                token),
            cancellationToken);
    }
}
