using Microsoft.Data.Sqlite;
using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Storage.Sqlite.Internal;

namespace Workflows.Storage.Sqlite;

public sealed partial class SqliteStore
{
    private const int MaxPageSize = 500;

    /// <inheritdoc />
    public Task CreateJobAsync(JobRecord job, IReadOnlyList<JobEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(events);
        WriteValidation.ValidateNewJob(job, events);
        return WriteAsync(PreparedJob.From(job, events), JobWrites.CreateJob, cancellationToken);
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
                static (connection, state) => JobWrites.CreateJob(connection, state.Job) && JobWrites.Commit(connection, state.Commit),
                cancellationToken)
            : WriteAsync(prepared, JobWrites.Commit, cancellationToken);
    }

    /// <inheritdoc />
    public Task<JobRecord?> GetJobAsync(string organizationId, Guid jobId, CancellationToken cancellationToken) =>
        ReadAsync(
            (organizationId, JobIds.ToText(jobId)),
            static (connection, key) => JobRows.ReadSingleJob(
                connection.Command(JobSql.SelectOrganizationJob).Set("$org", key.organizationId).Set("$id", key.Item2)),
            cancellationToken);

    /// <inheritdoc />
    public Task<JobRecord?> GetJobAsync(Guid jobId, CancellationToken cancellationToken) =>
        ReadAsync(
            JobIds.ToText(jobId),
            static (connection, id) => JobRows.ReadSingleJob(connection.Command(JobSql.SelectJob).Set("$id", id)),
            cancellationToken);

    /// <inheritdoc />
    public Task<JobPage> ListJobsAsync(JobQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync(query, static (connection, query) => ListJobs(connection, query), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<JobEvent>> GetEventsAsync(Guid jobId, long afterSequence, int limit, CancellationToken cancellationToken) =>
        ReadAsync<(string, long, int), IReadOnlyList<JobEvent>>(
            (JobIds.ToText(jobId), afterSequence, limit),
            static (connection, request) =>
            {
                var (id, after, limit) = request;
                var events = new List<JobEvent>();
                if (limit <= 0)
                {
                    return events;
                }
                using var reader = connection.Command(JobSql.SelectEvents)
                    .Set("$job_id", id).Set("$after", after).Set("$limit", limit).ExecuteReader();
                while (reader.Read())
                {
                    events.Add(JobRows.ReadEvent(reader));
                }
                return events;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, JsonNode?>> GetOutputsAsync(Guid jobId, CancellationToken cancellationToken) =>
        ReadAsync<string, IReadOnlyDictionary<string, JsonNode?>>(
            JobIds.ToText(jobId),
            static (connection, id) => JobRows.ReadOutputs(connection.Command(JobSql.SelectOutputs).Set("$job_id", id)),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<JobPost>> GetPostsAsync(Guid jobId, CancellationToken cancellationToken) =>
        ReadAsync<string, IReadOnlyList<JobPost>>(
            JobIds.ToText(jobId),
            static (connection, id) =>
            {
                var posts = new List<JobPost>();
                using var reader = connection.Command(JobSql.SelectPosts).Set("$job_id", id).ExecuteReader();
                while (reader.Read())
                {
                    posts.Add(JobRows.ReadPost(reader));
                }
                return posts;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<JobRecord>> ListUnfinishedJobsAsync(CancellationToken cancellationToken) =>
        ReadAsync<bool, IReadOnlyList<JobRecord>>(
            true, static (connection, _) => JobRows.ReadJobs(connection.Command(JobSql.ListUnfinished)), cancellationToken);

    /// <inheritdoc />
    public Task<JobRecord?> FindByIdempotencyKeyAsync(string organizationId, string idempotencyKey, CancellationToken cancellationToken) =>
        ReadAsync(
            (organizationId, idempotencyKey),
            static (connection, key) => JobRows.ReadSingleJob(
                connection.Command(JobSql.SelectByIdempotencyKey).Set("$org", key.organizationId).Set("$key", key.idempotencyKey)),
            cancellationToken);

    private static JobPage ListJobs(CachedConnection connection, JobQuery query)
    {
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        SqliteCommand command;
        if (query.PageToken is null)
        {
            command = connection.Command(JobSql.ListFirstPage);
        }
        else
        {
            var (createdAt, id) = PageToken.Parse(query.PageToken, nameof(query));
            command = connection.Command(JobSql.ListNextPage).Set("$after_created", createdAt).Set("$after_id", id);
        }
        command
            .Set("$org", query.OrganizationId)
            .Set("$state", query.State is { } state ? (int)state : null)
            .Set("$apps", query.AppIds is { } apps ? StoredJson.WriteStrings(apps) : null)
            .Set("$limit", pageSize + 1);

        var jobs = JobRows.ReadJobs(command);
        string? next = null;
        if (jobs.Count > pageSize)
        {
            jobs.RemoveAt(pageSize);
            var last = jobs[^1];
            next = PageToken.Create(UnixTime.ToMilliseconds(last.CreatedAt), JobIds.ToText(last.Id));
        }
        return new JobPage(jobs, next);
    }
}
