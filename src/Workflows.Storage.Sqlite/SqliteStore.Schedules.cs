using Workflows.Engine.Schedules;
using Workflows.Engine.Storage;
using Workflows.Storage.Sqlite.Internal;

namespace Workflows.Storage.Sqlite;

public sealed partial class SqliteStore
{
    /// <inheritdoc />
    public Task PutScheduleAsync(ScheduleRecord schedule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return WriteAsync((schedule, StoredJson.Write(schedule.Variables)!), ScheduleRows.Upsert, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ScheduleRecord?> GetScheduleAsync(string organizationId, string scheduleId, CancellationToken cancellationToken) =>
        ReadAsync(
            (organizationId, scheduleId),
            static (connection, key) => connection.Command(SqliteColumns.Sql.SelectSchedule)
                .Set("$org", key.organizationId).Set("$id", key.scheduleId).ReadFirst(RowMapper<SqliteColumns>.ReadSchedule),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(string? organizationId, CancellationToken cancellationToken) =>
        ReadAsync<string?, IReadOnlyList<ScheduleRecord>>(
            organizationId,
            static (connection, org) => connection.Command(SqliteColumns.Sql.ListSchedules).Set("$org", org).ReadAll(RowMapper<SqliteColumns>.ReadSchedule),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteScheduleAsync(string organizationId, string scheduleId, CancellationToken cancellationToken) =>
        WriteAsync((organizationId, scheduleId), ScheduleRows.Delete, cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryAddRunAsync(ScheduleRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        return WriteAsync(run, ScheduleRows.Insert, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> UpdateRunAsync(ScheduleRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        return WriteAsync(run, ScheduleRows.Update, cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> PruneRunsAsync(string organizationId, string scheduleId, int keep, CancellationToken cancellationToken) =>
        WriteAsync((organizationId, scheduleId, keep), ScheduleRows.Prune, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ScheduleRun>> ListRunsAsync(string organizationId, string scheduleId, int limit, CancellationToken cancellationToken) =>
        ReadAsync<(string, string, int), IReadOnlyList<ScheduleRun>>(
            (organizationId, scheduleId, limit),
            static (connection, q) => connection.Command(SqliteColumns.Sql.ListScheduleRuns)
                .Set("$org", q.Item1).Set("$schedule_id", q.Item2).Set("$limit", q.Item3).ReadAll(RowMapper<SqliteColumns>.ReadScheduleRun),
            cancellationToken);
}
