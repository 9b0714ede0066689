using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Storage.Postgres.Internal;
using Map = Workflows.Storage.Relational.RowMapper<Workflows.Storage.Postgres.Internal.PostgresColumns>;

namespace Workflows.Storage.Postgres;

public sealed partial class PostgresStore
{
    private static readonly StoreSql Sql = PostgresColumns.Sql;

    /// <inheritdoc />
    public Task CreateJobAsync(JobRecord job, IReadOnlyList<JobEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(events);
        WriteValidation.ValidateNewJob(job, events);
        var insert = JobInsert.From(job, events, MaxRunningJobsPerOrganization, _databaseClock);
        return LimitedWriteAsync(insert, JobWrites.CreateJobAsync, insert.LimitedOrganization, cancellationToken);
    }

    /// <inheritdoc />
    public Task CommitAsync(JobCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        WriteValidation.ValidateCommit(commit);
        var prepared = CommitStatement.From(commit);
        if (commit.Create is not { } create)
        {
            return WriteAsync(prepared, JobWrites.CommitAsync, cancellationToken, commit.JobId);
        }
        var insert = JobInsert.From(create.Job, create.Events, MaxRunningJobsPerOrganization, _databaseClock);
        return LimitedWriteAsync(
            (Job: insert, Commit: prepared),
            static async (session, state) => await JobWrites.CreateJobAsync(session, state.Job) && await JobWrites.CommitAsync(session, state.Commit),
            insert.LimitedOrganization,
            cancellationToken,
            commit.JobId);
    }

    /// <inheritdoc />
    public Task<JobRecord?> GetJobAsync(string organizationId, Guid jobId, CancellationToken cancellationToken) =>
        ReadAsync(
            Sql.SelectOrganizationJob,
            parameters => parameters.Uuid("id", jobId).Text("org", organizationId),
            ReadSingleJobAsync,
            cancellationToken);

    /// <inheritdoc />
    public Task<JobRecord?> GetJobAsync(Guid jobId, CancellationToken cancellationToken) =>
        ReadAsync(Sql.SelectJob, parameters => parameters.Uuid("id", jobId), ReadSingleJobAsync, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<Guid, long>> GetLastSequencesAsync(IReadOnlyCollection<Guid> jobIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobIds);
        return ReadAsync<IReadOnlyDictionary<Guid, long>>(
            JobSql.SelectLastSequences,
            parameters => parameters.UuidArray("ids", [.. jobIds]),
            static async (reader, ct) =>
            {
                var last = new Dictionary<Guid, long>();
                while (await reader.ReadAsync(ct))
                {
                    last[reader.GetGuid(0)] = reader.GetInt64(1);
                }

                return last;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<JobPage> ListJobsAsync(JobQuery query, CancellationToken cancellationToken)
    {
        var listing = JobListing.From(query);
        return await ReadAsync(
            listing.Statement(Sql),
            parameters =>
            {
                parameters
                    .Text("org", listing.Query.OrganizationId)
                    .Int("state", listing.State)
                    .TextArray("apps", listing.Query.AppIds?.ToArray())
                    .Int("limit", listing.Limit);
                if (listing.After is { } after)
                {
                    parameters.Time("after_created", after.CreatedAt).Uuid("after_id", after.JobId);
                }
            },
            async (reader, ct) => listing.ToPage(await Rows.ReadAllAsync(reader, Map.ReadJob, ct)),
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JobEvent>> GetEventsAsync(Guid jobId, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            _ = Writer;
            return [];
        }
        return await ReadAsync<IReadOnlyList<JobEvent>>(
            Sql.SelectEvents,
            parameters => parameters.Uuid("job_id", jobId).BigInt("after", afterSequence).Int("limit", limit),
            async (reader, ct) => await Map.ReadEventsAsync(reader, afterSequence, limit, ct),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, JsonNode?>> GetOutputsAsync(Guid jobId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyDictionary<string, JsonNode?>>(
            Sql.SelectOutputs,
            parameters => parameters.Uuid("job_id", jobId),
            static async (reader, ct) => await Rows.ReadOutputsAsync(reader, ct),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<JobPost>> GetPostsAsync(Guid jobId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<JobPost>>(
            Sql.SelectPosts,
            parameters => parameters.Uuid("job_id", jobId),
            static async (reader, ct) => await Rows.ReadAllAsync(reader, Map.ReadPost, ct),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<JobRecord>> ListUnfinishedJobsAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<JobRecord>>(
            Sql.ListUnfinished,
            static _ => { },
            static async (reader, ct) => await Rows.ReadAllAsync(reader, Map.ReadJob, ct),
            cancellationToken);

    /// <inheritdoc />
    public Task<JobRecord?> FindByIdempotencyKeyAsync(string organizationId, string idempotencyKey, CancellationToken cancellationToken) =>
        ReadAsync(
            Sql.SelectByIdempotencyKey,
            parameters => parameters.Text("org", organizationId).Text("key", idempotencyKey),
            ReadSingleJobAsync,
            cancellationToken);

    private static Task<JobRecord?> ReadSingleJobAsync(Npgsql.NpgsqlDataReader reader, CancellationToken cancellationToken) =>
        Rows.ReadFirstAsync(reader, Map.ReadJob, cancellationToken);
}
