using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Storage.Sqlite.Internal;
using Map = Workflows.Storage.Relational.RowMapper<Workflows.Storage.Sqlite.Internal.SqliteColumns>;

namespace Workflows.Storage.Sqlite;

// Waiting jobs, signals and cancel requests. Every write goes through the single writer, so a signal and a job that
// starts waiting for it never miss each other.
public sealed partial class SqliteStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<JobRecord>> ClaimDueJobsAsync(string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken) =>
        ClaimAsync(JobSql.SelectDue, owner, now, lease, max, cancellationToken, resume: true);

    /// <inheritdoc />
    public Task<JobRecord?> RequestCancelAsync(Guid jobId, string reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return WriteAsync(
            (JobIds.ToText(jobId), reason),
            static (connection, request) =>
            {
                connection.Command(JobSql.RequestCancel).Set("$id", request.Item1).Set("$reason", request.reason).ExecuteNonQuery();
                return connection.Command(Sql.SelectJob).Set("$id", request.Item1).ReadFirst(Map.ReadJob);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> CountJobsAsync(JobState state, CancellationToken cancellationToken) =>
        ReadAsync<int, long>(
            (int)state,
            static (connection, state) => (long)connection.Command(JobSql.CountByState).Set("$state", state).ExecuteScalar()!,
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<CancelRequest>> ListCancelRequestsAsync(string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return ReadAsync<string, IReadOnlyList<CancelRequest>>(
            owner,
            static (connection, owner) => connection.Command(JobSql.SelectCancelRequests).Set("$owner", owner)
                .ReadAll(reader => new CancelRequest(JobIds.Parse(reader.GetString(0)), reader.GetString(1))),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<SignalAdded> AddSignalAsync(JobSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signal);
        ArgumentException.ThrowIfNullOrEmpty(signal.Name);
        var payload = StoredJson.Write(signal.Payload);
        return WriteAsync(
            (Signal: signal, Payload: payload),
            static (connection, request) =>
            {
                var (signal, payload) = request;
                var id = JobIds.ToText(signal.JobId);
                var job = connection.Command(Sql.SelectJob).Set("$id", id).ReadFirst(Map.ReadJob);
                if (job is null)
                {
                    return new SignalAdded(null, null, false);
                }
                // A repeated key answers the first signal even after the job finished: a retried send sees its own result.
                if (signal.IdempotencyKey is { } key &&
                    connection.Command(JobSql.SelectSignalByKey).Set("$job_id", id).Set("$key", key).ReadFirst(Map.ReadSignal) is { } earlier)
                {
                    return new SignalAdded(job, earlier, true);
                }
                if (!job.State.IsActive())
                {
                    return new SignalAdded(job, null, false);
                }
                var now = UnixTime.ToMilliseconds(signal.CreatedAt);
                var stored = connection.Command(JobSql.InsertSignal)
                    .Set("$job_id", id).Set("$name", signal.Name).Set("$payload", payload).Set("$key", signal.IdempotencyKey)
                    .Set("$created_at", now)
                    .ReadFirst(Map.ReadSignal);
                connection.Command(JobSql.DueOnSignal).Set("$id", id).Set("$now", now).Set("$name", signal.Name).ExecuteNonQuery();
                job = connection.Command(Sql.SelectJob).Set("$id", id).ReadFirst(Map.ReadJob);
                return new SignalAdded(job, stored, false);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<JobSignal?> GetPendingSignalAsync(Guid jobId, string name, CancellationToken cancellationToken) =>
        ReadAsync(
            (JobIds.ToText(jobId), name),
            static (connection, request) => connection.Command(JobSql.SelectPendingSignal)
                .Set("$job_id", request.Item1).Set("$name", request.name).ReadFirst(Map.ReadSignal),
            cancellationToken);
}
