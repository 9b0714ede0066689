using Workflows.Engine.Storage;
using Workflows.Storage.Sqlite.Internal;

namespace Workflows.Storage.Sqlite;

// Job handles (poll tokens, MCP request ids): one row each, expired rows forgotten by the next put.
public sealed partial class SqliteStore
{
    private const string UpsertHandle =
        "INSERT INTO job_handles (key, org, job_id, expires_at) VALUES ($key, $org, $job, $expires) " +
        "ON CONFLICT (key) DO UPDATE SET org = excluded.org, job_id = excluded.job_id, expires_at = excluded.expires_at";

    private const string DeleteExpiredHandles = "DELETE FROM job_handles WHERE expires_at <= $now";

    private const string SelectHandle = "SELECT key, org, job_id, expires_at FROM job_handles WHERE key = $key AND expires_at > $now";

    /// <inheritdoc />
    public Task PutJobHandleAsync(JobHandle handle, DateTimeOffset now, CancellationToken cancellationToken)
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
                    .Set("$job", JobIds.ToText(request.handle.JobId))
                    .Set("$expires", UnixTime.ToMilliseconds(request.handle.ExpiresAt))
                    .ExecuteNonQuery();
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<JobHandle?> GetJobHandleAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return ReadAsync(
            (key, now: UnixTime.ToMilliseconds(now)),
            static (connection, request) => connection.Command(SelectHandle).Set("$key", request.key).Set("$now", request.now)
                .ReadFirst(reader => new JobHandle(
                    reader.GetString(0), reader.GetString(1), JobIds.Parse(reader.GetString(2)), UnixTime.FromMilliseconds(reader.GetInt64(3)))),
            cancellationToken);
    }
}
