namespace Workflows.Storage.Sqlite.Internal;

/// <summary>Binds job and event rows; reading them is the shared <see cref="RowMapper{TColumns}"/>.</summary>
internal static class JobRows
{
    /// <summary>Binds every jobs column of <see cref="JobSql.InsertJob"/>.</summary>
    public static void BindJob(RawStatement command, string id, PreparedJob prepared)
    {
        var job = prepared.Job;
        command
            .Set("$id", id)
            .Set("$org", job.OrganizationId)
            .Set("$app_id", job.AppId)
            .Set("$workflow", job.Workflow)
            .Set("$workflow_title", job.WorkflowTitle)
            .Set("$state", (int)job.State)
            .Set("$variables", prepared.Variables)
            .Set("$created_at", UnixTime.ToMilliseconds(job.CreatedAt))
            .Set("$started_at", UnixTime.ToMilliseconds(job.StartedAt))
            .Set("$finished_at", UnixTime.ToMilliseconds(job.FinishedAt))
            .Set("$result", prepared.Result)
            .Set("$error", job.Error)
            .Set("$last_sequence", job.LastSequence)
            .Set("$created_by", job.CreatedBy)
            .Set("$callback_url", job.CallbackUrl)
            .Set("$progress_url", job.ProgressUrl)
            .Set("$idempotency_key", job.IdempotencyKey)
            .Set("$dialect", job.Dialect)
            .Set("$parent_job_id", job.ParentJobId is { } parent ? JobIds.ToText(parent) : null)
            .Set("$idempotency_fingerprint", job.IdempotencyFingerprint)
            .Set("$idempotency_expires_at", UnixTime.ToMilliseconds(job.IdempotencyExpiresAt))
            .Set("$lease_owner", job.LeaseOwner)
            .Set("$lease_expires_at", UnixTime.ToMilliseconds(job.LeaseExpiresAt))
            .Set("$schedule_id", job.ScheduleId)
            .Set("$scheduled_time", UnixTime.ToMilliseconds(job.ScheduledTime))
            .Set("$budget", job.Budget?.ToJson())
            .Set("$rerun_of", job.RerunOf is { } rerunOf ? JobIds.ToText(rerunOf) : null)
            .Set("$definition_hash", job.DefinitionHash)
            .Set("$creator", job.Creator)
            .Set("$trace_parent", job.TraceParent);
    }

    /// <summary>Binds every column of <see cref="JobSql.InsertEvent"/>.</summary>
    public static void BindEvent(RawStatement command, string jobId, PreparedEvent prepared, string? more)
    {
        var e = prepared.Event;
        command
            .Set("$job_id", jobId)
            .Set("$seq", e.Sequence)
            .Set("$type", e.Type)
            .Set("$time", UnixTime.ToMilliseconds(e.Time))
            .Set("$block_id", e.BlockId)
            .Set("$block_type", e.BlockType)
            .Set("$text", e.Text)
            .Set("$duration_ticks", e.Duration?.Ticks)
            .Set("$output", prepared.Output)
            .Set("$error", e.Error)
            .Set("$data", prepared.Data)
            .Set("$more", more);
    }
}
