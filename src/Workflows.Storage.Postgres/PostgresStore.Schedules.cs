using Workflows.Engine.Schedules;
using Workflows.Storage.Postgres.Internal;

namespace Workflows.Storage.Postgres;

public sealed partial class PostgresStore
{
    /// <inheritdoc />
    public Task PutScheduleAsync(ScheduleRecord schedule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return WriteAsync(ScheduleRows.PrepareUpsert(schedule), ScheduleRows.ExecuteAsync, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ScheduleRecord?> GetScheduleAsync(string organizationId, string scheduleId, CancellationToken cancellationToken) =>
        ReadAsync(
            Sql.SelectSchedule,
            parameters => parameters.Text("org", organizationId).Text("id", scheduleId),
            static (reader, ct) => Rows.ReadFirstAsync(reader, RowMapper<PostgresColumns>.ReadSchedule, ct),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(string? organizationId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<ScheduleRecord>>(
            Sql.ListSchedules,
            parameters => parameters.Text("org", organizationId),
            static async (reader, ct) => await Rows.ReadAllAsync(reader, RowMapper<PostgresColumns>.ReadSchedule, ct),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteScheduleAsync(string organizationId, string scheduleId, CancellationToken cancellationToken) =>
        WriteAsync((organizationId, scheduleId), ScheduleRows.DeleteAsync, cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryAddRunAsync(ScheduleRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        return WriteAsync(ScheduleRows.PrepareRun(Sql.InsertScheduleRun, run, insert: true), ScheduleRows.ExecuteAsync, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> UpdateRunAsync(ScheduleRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        return WriteAsync(ScheduleRows.PrepareRun(Sql.UpdateScheduleRun, run, insert: false), ScheduleRows.ExecuteAsync, cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> PruneRunsAsync(string organizationId, string scheduleId, int keep, CancellationToken cancellationToken) =>
        WriteAsync((organizationId, scheduleId, keep), ScheduleRows.PruneAsync, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ScheduleRun>> ListRunsAsync(string organizationId, string scheduleId, int limit, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<ScheduleRun>>(
            Sql.ListScheduleRuns,
            parameters => parameters.Text("org", organizationId).Text("schedule_id", scheduleId).Int("limit", limit),
            static async (reader, ct) => await Rows.ReadAllAsync(reader, RowMapper<PostgresColumns>.ReadScheduleRun, ct),
            cancellationToken);
}
