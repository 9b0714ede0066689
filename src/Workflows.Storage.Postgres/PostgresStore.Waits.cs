using Npgsql;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Storage.Postgres.Internal;
using Map = Workflows.Storage.Relational.RowMapper<Workflows.Storage.Postgres.Internal.PostgresColumns>;

namespace Workflows.Storage.Postgres;

// Waiting jobs, signals and cancel requests. Due jobs are claimed with SKIP LOCKED like abandoned ones; a signal and a
// commit that starts a wait both lock the job's row, so they never miss each other.
public sealed partial class PostgresStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<JobRecord>> ClaimDueJobsAsync(
        string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (max <= 0)
        {
            _ = Writer;
            return [];
        }
        return await WriteAsync(
            new JobWrites.Claim(owner, now, LeaseNow(now), lease, max, MaxRunningJobsPerOrganization, Due: true), JobWrites.ClaimAsync, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<JobRecord?> RequestCancelAsync(Guid jobId, string reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        await WriteAsync(
            (jobId, reason),
            static async (session, request) =>
            {
                await using var batch = session.CreateBatch();
                var command = new NpgsqlBatchCommand(JobSql.RequestCancel);
                // The notification wakes the node running the job at once (the poll is only the fallback); its sequence is
                // not an event's, so watchers only re-read.
                command.Parameters.Uuid("id", request.jobId).Text("reason", request.reason)
                    .Text("notification", JobNotifications.FormatWake(request.jobId, 0));
                batch.BatchCommands.Add(command);
                await session.ExecuteAsync(batch);
                return true;
            },
            cancellationToken,
            jobId);
        return await GetJobAsync(jobId, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> CountJobsAsync(JobState state, CancellationToken cancellationToken) =>
        ReadAsync(
            JobSql.CountByState,
            parameters => parameters.Int("state", (int)state),
            static async (reader, ct) => await reader.ReadAsync(ct) ? reader.GetInt64(0) : 0,
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<CancelRequest>> ListCancelRequestsAsync(string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return ReadAsync<IReadOnlyList<CancelRequest>>(
            JobSql.SelectCancelRequests,
            parameters => parameters.Text("owner", owner),
            static async (reader, ct) => await Rows.ReadAllAsync(reader, r => new CancelRequest(r.GetGuid(0), r.GetString(1)), ct),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<SignalAdded> AddSignalAsync(JobSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signal);
        ArgumentException.ThrowIfNullOrEmpty(signal.Name);
        var payload = StoredJson.Write(signal.Payload);
        return WriteAsync((Signal: signal, Payload: payload), AddSignalAsync, cancellationToken, signal.JobId);
    }

    private static async Task<SignalAdded> AddSignalAsync(WriteSession session, (JobSignal Signal, string Payload) request)
    {
        var (signal, payload) = request;
        var job = await ReadOneAsync(session, JobSql.LockJob, p => p.Uuid("id", signal.JobId), Map.ReadJob);
        if (job is null)
        {
            return new SignalAdded(null, null, false);
        }
        // A repeated key answers the first signal even after the job finished: a retried send sees its own result.
        if (signal.IdempotencyKey is { } key &&
            await ReadOneAsync(session, JobSql.SelectSignalByKey, p => p.Uuid("id", signal.JobId).Text("key", key), Map.ReadSignal) is { } earlier)
        {
            return new SignalAdded(job, earlier, true);
        }
        if (!job.State.IsActive())
        {
            return new SignalAdded(job, null, false);
        }
        var stored = await ReadOneAsync(
            session,
            JobSql.InsertSignal,
            p => p.Uuid("id", signal.JobId).Text("name", signal.Name).Text("payload", payload).Text("key", signal.IdempotencyKey)
                .Time("created_at", signal.CreatedAt),
            Map.ReadSignal);
        await ReadOneAsync(
            session,
            JobSql.DueOnSignal,
            p => p.Uuid("id", signal.JobId).Time("now", signal.CreatedAt).Text("name", signal.Name)
                .Text("notification", JobNotifications.FormatWake(signal.JobId, job.LastSequence)),
            r => r.GetInt64(0));
        job = await ReadOneAsync(session, PostgresColumns.Sql.SelectJob, p => p.Uuid("id", signal.JobId), Map.ReadJob);
        return new SignalAdded(job, stored, false);
    }

    /// <inheritdoc />
    public Task<JobSignal?> GetPendingSignalAsync(Guid jobId, string name, CancellationToken cancellationToken) =>
        ReadAsync(
            JobSql.SelectPendingSignal,
            parameters => parameters.Uuid("id", jobId).Text("name", name),
            static (reader, ct) => Rows.ReadFirstAsync(reader, Map.ReadSignal, ct),
            cancellationToken);

    private static async Task<T?> ReadOneAsync<T>(
        WriteSession session, string sql, Action<NpgsqlParameterCollection> bind, Func<System.Data.Common.DbDataReader, T> map)
    {
        await using var batch = session.CreateBatch();
        var command = new NpgsqlBatchCommand(sql);
        bind(command.Parameters);
        batch.BatchCommands.Add(command);
        await using var reader = await session.ExecuteReaderAsync(batch);
        return await Rows.ReadFirstAsync(reader, map, CancellationToken.None);
    }
}
