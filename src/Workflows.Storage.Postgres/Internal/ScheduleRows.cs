using Npgsql;
using Workflows.Engine.Schedules;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Postgres.Internal;

/// <summary>Writes of schedules and their ticks (the SQL and the mapping are shared), run by the writer.</summary>
internal static class ScheduleRows
{
    public static NpgsqlBatchCommand PrepareUpsert(ScheduleRecord s)
    {
        var command = new NpgsqlBatchCommand(PostgresColumns.Sql.UpsertSchedule);
        command.Parameters
            .Text("org", s.OrganizationId)
            .Text("id", s.Id)
            .Text("app_id", s.AppId)
            .Text("workflow", s.Workflow)
            .Text("variables", StoredJson.Write(s.Variables))
            .Text("cron", s.Cron)
            .Text("time_zone", s.TimeZone)
            .Text("overlap", ScheduleOverlapNames.Format(s.Overlap))
            .BigInt("catchup_ms", (long)s.CatchupWindow.TotalMilliseconds)
            .Bool("paused", s.Paused)
            .Text("source", s.Source)
            .Text("created_by", s.CreatedBy)
            .Time("created_at", s.CreatedAt)
            .Time("updated_at", s.UpdatedAt)
            .Time("ticks_from", s.TicksFrom);
        return command;
    }

    public static NpgsqlBatchCommand PrepareRun(string sql, ScheduleRun run, bool insert)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters
            .Text("org", run.OrganizationId)
            .Text("schedule_id", run.ScheduleId)
            .Time("scheduled_time", run.ScheduledTime)
            .Text("outcome", run.Outcome)
            .Uuid("job_id", run.JobId)
            .Text("error", run.Error);
        if (insert)
        {
            command.Parameters.Time("recorded_at", run.RecordedAt);
        }

        return command;
    }

    /// <summary>Runs one prepared command (a copy: the writer may run it again on a new connection); true when it changed a row.</summary>
    public static async Task<bool> ExecuteAsync(WriteSession session, NpgsqlBatchCommand prepared)
    {
        await using var batch = session.CreateBatch();
        var command = prepared.Copy();
        batch.BatchCommands.Add(command);
        await session.ExecuteAsync(batch);
        return command.RecordsAffected > 0;
    }

    public static async Task<int> PruneAsync(WriteSession session, (string OrganizationId, string ScheduleId, int Keep) q)
    {
        await using var batch = session.CreateBatch();
        var command = new NpgsqlBatchCommand(PostgresColumns.Sql.PruneScheduleRuns);
        command.Parameters.Text("org", q.OrganizationId).Text("schedule_id", q.ScheduleId).Int("offset", Math.Max(q.Keep, 1) - 1);
        batch.BatchCommands.Add(command);
        await session.ExecuteAsync(batch);
        return command.RecordsAffected;
    }

    public static async Task<bool> DeleteAsync(WriteSession session, (string OrganizationId, string Id) key)
    {
        await using var batch = session.CreateBatch();
        var runs = new NpgsqlBatchCommand(PostgresColumns.Sql.DeleteScheduleRuns);
        runs.Parameters.Text("org", key.OrganizationId).Text("id", key.Id);
        var schedule = new NpgsqlBatchCommand(PostgresColumns.Sql.DeleteSchedule);
        schedule.Parameters.Text("org", key.OrganizationId).Text("id", key.Id);
        batch.BatchCommands.Add(runs);
        batch.BatchCommands.Add(schedule);
        await session.ExecuteAsync(batch);
        return schedule.RecordsAffected > 0;
    }
}
