using Workflows.Engine.Schedules;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Sqlite.Internal;

/// <summary>Writes of schedules and their ticks (the SQL and the mapping are shared), run by the single writer.</summary>
internal static class ScheduleRows
{
    public static bool Upsert(CachedConnection connection, (ScheduleRecord Schedule, string Variables) put)
    {
        var s = put.Schedule;
        connection.Command(SqliteColumns.Sql.UpsertSchedule)
            .Set("$org", s.OrganizationId)
            .Set("$id", s.Id)
            .Set("$app_id", s.AppId)
            .Set("$workflow", s.Workflow)
            .Set("$variables", put.Variables)
            .Set("$cron", s.Cron)
            .Set("$time_zone", s.TimeZone)
            .Set("$overlap", ScheduleOverlapNames.Format(s.Overlap))
            .Set("$catchup_ms", (long)s.CatchupWindow.TotalMilliseconds)
            .Set("$paused", s.Paused ? 1 : 0)
            .Set("$source", s.Source)
            .Set("$created_by", s.CreatedBy)
            .Set("$created_at", UnixTime.ToMilliseconds(s.CreatedAt))
            .Set("$updated_at", UnixTime.ToMilliseconds(s.UpdatedAt))
            .Set("$ticks_from", UnixTime.ToMilliseconds(s.TicksFrom))
            .ExecuteNonQuery();
        return true;
    }

    public static bool Delete(CachedConnection connection, (string OrganizationId, string Id) key)
    {
        connection.Command(SqliteColumns.Sql.DeleteScheduleRuns).Set("$org", key.OrganizationId).Set("$id", key.Id).ExecuteNonQuery();
        return connection.Command(SqliteColumns.Sql.DeleteSchedule).Set("$org", key.OrganizationId).Set("$id", key.Id).ExecuteNonQuery() > 0;
    }

    public static bool Insert(CachedConnection connection, ScheduleRun run) =>
        Bind(connection.Command(SqliteColumns.Sql.InsertScheduleRun), run)
            .Set("$recorded_at", UnixTime.ToMilliseconds(run.RecordedAt))
            .ExecuteNonQuery() > 0;

    public static bool Update(CachedConnection connection, ScheduleRun run) =>
        Bind(connection.Command(SqliteColumns.Sql.UpdateScheduleRun), run).ExecuteNonQuery() > 0;

    public static int Prune(CachedConnection connection, (string OrganizationId, string ScheduleId, int Keep) q) =>
        connection.Command(SqliteColumns.Sql.PruneScheduleRuns)
            .Set("$org", q.OrganizationId).Set("$schedule_id", q.ScheduleId).Set("$offset", Math.Max(q.Keep, 1) - 1)
            .ExecuteNonQuery();

    private static Microsoft.Data.Sqlite.SqliteCommand Bind(Microsoft.Data.Sqlite.SqliteCommand command, ScheduleRun run) => command
        .Set("$org", run.OrganizationId)
        .Set("$schedule_id", run.ScheduleId)
        .Set("$scheduled_time", UnixTime.ToMilliseconds(run.ScheduledTime))
        .Set("$outcome", run.Outcome)
        .Set("$job_id", run.JobId is { } jobId ? JobIds.ToText(jobId) : null)
        .Set("$error", run.Error);
}
