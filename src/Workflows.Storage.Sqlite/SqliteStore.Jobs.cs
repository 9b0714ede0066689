using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Storage.Sqlite.Internal;
using Map = Workflows.Storage.Relational.RowMapper<Workflows.Storage.Sqlite.Internal.SqliteColumns>;

namespace Workflows.Storage.Sqlite;

public sealed partial class SqliteStore
{
    private static readonly StoreSql Sql = SqliteColumns.Sql;

    /// <inheritdoc />
    public Task CreateJobAsync(JobRecord job, IReadOnlyList<JobEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(events);
        WriteValidation.ValidateNewJob(job, events);
        var prepared = PreparedJob.From(job, events);
        return WriteAsync(
            (Job: prepared, Events: EventRow.Of(prepared.Events)),
            static (connection, state) => JobWrites.CreateJob(connection, state.Job, state.Events),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task CommitAsync(JobCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        WriteValidation.ValidateCommit(commit);
        var prepared = PreparedCommit.From(commit);
        if (commit.Create is not { } create)
        {
            return WriteAsync(
                (Commit: prepared, Events: EventRow.Of(prepared.Events)),
                static (connection, state) => JobWrites.Commit(connection, state.Commit, state.Events),
                cancellationToken);
        }

        // A job stored with its first commit: its first events and the commit's go in one row, written with the job; and
        // unless the commit suspends it, the row is inserted as the commit leaves it (one statement on the writer, not an
        // insert and an update of the same row).
        var job = PreparedJob.From(create.Job, create.Events);
        var folded = JobWrites.FoldsIntoInsert(commit, create.Job) ? JobWrites.Folded(job, prepared) : null;
        return WriteAsync(
            (Job: folded ?? job, Folded: folded is not null, Commit: prepared, Events: EventRow.Of([.. job.Events, .. prepared.Events])),
            static (connection, state) => JobWrites.CreateJob(connection, state.Job, state.Events) && (state.Folded
                ? JobWrites.Apply(connection, JobIds.ToText(state.Job.Job.Id), state.Commit, null)
                : JobWrites.Commit(connection, state.Commit, null)),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<JobRecord?> GetJobAsync(string organizationId, Guid jobId, CancellationToken cancellationToken) =>
        ReadAsync(
            (organizationId, JobIds.ToText(jobId)),
            static (connection, key) => connection.Command(Sql.SelectOrganizationJob)
                .Set("$org", key.organizationId).Set("$id", key.Item2).ReadFirst(Map.ReadJob),
            cancellationToken);

    /// <inheritdoc />
    public Task<JobRecord?> GetJobAsync(Guid jobId, CancellationToken cancellationToken) =>
        ReadAsync(
            JobIds.ToText(jobId),
            static (connection, id) => connection.Command(Sql.SelectJob).Set("$id", id).ReadFirst(Map.ReadJob),
            cancellationToken);

    /// <inheritdoc />
    public Task<JobPage> ListJobsAsync(JobQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        JobListing listing;
        try
        {
            listing = JobListing.From(query);
        }
        catch (ArgumentException exception)
        {
            return Task.FromException<JobPage>(exception);
        }
        return ReadAsync(listing, static (connection, listing) =>
        {
            var command = connection.Command(listing.Statement(Sql));
            if (listing.After is { } after)
            {
                command.Set("$after_created", UnixTime.ToMilliseconds(after.CreatedAt)).Set("$after_id", JobIds.ToText(after.JobId));
            }
            command
                .Set("$org", listing.Query.OrganizationId)
                .Set("$state", listing.State)
                .Set("$apps", listing.Query.AppIds is { } apps ? StoredJson.WriteStrings(apps) : null)
                .Set("$limit", listing.Limit);
            return listing.ToPage(command.ReadAll(Map.ReadJob));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<JobEvent>> GetEventsAsync(Guid jobId, long afterSequence, int limit, CancellationToken cancellationToken) =>
        ReadAsync<(string, long, int), IReadOnlyList<JobEvent>>(
            (JobIds.ToText(jobId), afterSequence, limit),
            static (connection, request) =>
            {
                var (id, after, limit) = request;
                if (limit <= 0)
                {
                    return [];
                }
                using var reader = connection.Command(Sql.SelectEvents).Set("$job_id", id).Set("$after", after).Set("$limit", limit).ExecuteReader();
                return Map.ReadEvents(reader, after, limit);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, JsonNode?>> GetOutputsAsync(Guid jobId, CancellationToken cancellationToken) =>
        ReadAsync<string, IReadOnlyDictionary<string, JsonNode?>>(
            JobIds.ToText(jobId),
            static (connection, id) =>
            {
                using var reader = connection.Command(Sql.SelectOutputs).Set("$job_id", id).ExecuteReader();
                return Rows.ReadOutputs(reader);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<JobPost>> GetPostsAsync(Guid jobId, CancellationToken cancellationToken) =>
        ReadAsync<string, IReadOnlyList<JobPost>>(
            JobIds.ToText(jobId),
            static (connection, id) => connection.Command(Sql.SelectPosts).Set("$job_id", id).ReadAll(Map.ReadPost),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<JobRecord>> ListUnfinishedJobsAsync(CancellationToken cancellationToken) =>
        ReadAsync<bool, IReadOnlyList<JobRecord>>(
            true, static (connection, _) => connection.Command(Sql.ListUnfinished).ReadAll(Map.ReadJob), cancellationToken);

    /// <inheritdoc />
    public Task<JobRecord?> FindByIdempotencyKeyAsync(string organizationId, string idempotencyKey, CancellationToken cancellationToken) =>
        ReadAsync(
            (organizationId, idempotencyKey),
            static (connection, key) => connection.Command(Sql.SelectByIdempotencyKey)
                .Set("$org", key.organizationId).Set("$key", key.idempotencyKey).ReadFirst(Map.ReadJob),
            cancellationToken);
}
