using System.Text.Json.Nodes;
using Npgsql;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Storage.Postgres.Internal;

namespace Workflows.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const int MaxPageSize = 500;

    /// <inheritdoc />
    public Task CreateJobAsync(JobRecord job, IReadOnlyList<JobEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(events);
        WriteValidation.ValidateNewJob(job, events);
        return WriteAsync(PreparedJob.From(job, events), JobWrites.CreateJobAsync, cancellationToken);
    }

    /// <inheritdoc />
    public Task CommitAsync(JobCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        WriteValidation.ValidateCommit(commit);
        var prepared = PreparedCommit.From(commit);
        return commit.Create is { } create
            ? WriteAsync(
                (Job: PreparedJob.From(create.Job, create.Events), Commit: prepared),
                static async (session, state) => await JobWrites.CreateJobAsync(session, state.Job) && await JobWrites.CommitAsync(session, state.Commit),
                cancellationToken,
                commit.JobId)
            : WriteAsync(prepared, JobWrites.CommitAsync, cancellationToken, commit.JobId);
    }

    /// <inheritdoc />
    public Task<JobRecord?> GetJobAsync(string organizationId, Guid jobId, CancellationToken cancellationToken) =>
        ReadAsync(
            JobSql.SelectOrganizationJob,
            parameters => parameters.Uuid("id", jobId).Text("org", organizationId),
            ReadSingleJobAsync,
            cancellationToken);

    /// <inheritdoc />
    public Task<JobRecord?> GetJobAsync(Guid jobId, CancellationToken cancellationToken) =>
        ReadAsync(JobSql.SelectJob, parameters => parameters.Uuid("id", jobId), ReadSingleJobAsync, cancellationToken);

    /// <inheritdoc />
    public async Task<JobPage> ListJobsAsync(JobQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var after = query.PageToken is null ? ((DateTimeOffset, Guid)?)null : PageToken.Parse(query.PageToken, nameof(query));
        return await ReadAsync(
            after is null ? JobSql.ListFirstPage : JobSql.ListNextPage,
            parameters =>
            {
                parameters
                    .Text("org", query.OrganizationId)
                    .Int("state", query.State is { } state ? (int)state : null)
                    .TextArray("apps", query.AppIds?.ToArray())
                    .Int("limit", pageSize + 1);
                if (after is var (createdAt, id))
                {
                    parameters.Time("after_created", createdAt).Uuid("after_id", id);
                }
            },
            async (reader, ct) =>
            {
                var jobs = await JobRows.ReadJobsAsync(reader, ct);
                string? next = null;
                if (jobs.Count > pageSize)
                {
                    jobs.RemoveAt(pageSize);
                    next = PageToken.Create(jobs[^1].CreatedAt, jobs[^1].Id);
                }
                return new JobPage(jobs, next);
            },
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
            JobSql.SelectEvents,
            parameters => parameters.Uuid("job_id", jobId).BigInt("after", afterSequence).Int("limit", limit),
            static async (reader, ct) =>
            {
                var events = new List<JobEvent>();
                while (await reader.ReadAsync(ct))
                {
                    events.Add(JobRows.ReadEvent(reader));
                }
                return events;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, JsonNode?>> GetOutputsAsync(Guid jobId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyDictionary<string, JsonNode?>>(
            JobSql.SelectOutputs,
            parameters => parameters.Uuid("job_id", jobId),
            static async (reader, ct) => await JobRows.ReadOutputsAsync(reader, ct),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<JobPost>> GetPostsAsync(Guid jobId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<JobPost>>(
            JobSql.SelectPosts,
            parameters => parameters.Uuid("job_id", jobId),
            static async (reader, ct) =>
            {
                var posts = new List<JobPost>();
                while (await reader.ReadAsync(ct))
                {
                    posts.Add(JobRows.ReadPost(reader));
                }
                return posts;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<JobRecord>> ListUnfinishedJobsAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<JobRecord>>(
            JobSql.ListUnfinished,
            static _ => { },
            static async (reader, ct) => await JobRows.ReadJobsAsync(reader, ct),
            cancellationToken);

    /// <inheritdoc />
    public Task<JobRecord?> FindByIdempotencyKeyAsync(string organizationId, string idempotencyKey, CancellationToken cancellationToken) =>
        ReadAsync(
            JobSql.SelectByIdempotencyKey,
            parameters => parameters.Text("org", organizationId).Text("key", idempotencyKey),
            ReadSingleJobAsync,
            cancellationToken);

    private static async Task<JobRecord?> ReadSingleJobAsync(NpgsqlDataReader reader, CancellationToken cancellationToken) =>
        await reader.ReadAsync(cancellationToken) ? JobRows.ReadJob(reader) : null;
}
