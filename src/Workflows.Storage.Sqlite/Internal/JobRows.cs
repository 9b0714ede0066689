using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Workflows.Engine.Jobs;

namespace Workflows.Storage.Sqlite.Internal;

/// <summary>Maps job, event and post rows to records and back.</summary>
internal static class JobRows
{
    /// <summary>Reads a row selected with <see cref="JobSql.JobColumns"/>.</summary>
    public static JobRecord ReadJob(SqliteDataReader reader) => new()
    {
        Id = JobIds.Parse(reader.GetString(0)),
        OrganizationId = reader.GetString(1),
        AppId = reader.GetString(2),
        Workflow = reader.GetString(3),
        WorkflowTitle = reader.GetString(4),
        State = (JobState)reader.GetInt32(5),
        Variables = StoredJson.ParseObject(reader.GetString(6)),
        CreatedAt = reader.GetTime(7),
        StartedAt = reader.GetNullableTime(8),
        FinishedAt = reader.GetNullableTime(9),
        Result = StoredJson.Parse(reader.GetNullableString(10)),
        Error = reader.GetNullableString(11),
        LastSequence = reader.GetInt64(12),
        CreatedBy = reader.GetString(13),
        CallbackUrl = reader.GetNullableString(14),
        ProgressUrl = reader.GetNullableString(15),
        IdempotencyKey = reader.GetNullableString(16),
        Dialect = reader.GetString(17),
        ParentJobId = reader.GetNullableString(18) is { } parent ? JobIds.Parse(parent) : null,
        IdempotencyFingerprint = reader.GetNullableString(19),
        IdempotencyExpiresAt = reader.GetNullableTime(20),
        LeaseOwner = reader.GetNullableString(21),
        LeaseExpiresAt = reader.GetNullableTime(22),
    };

    public static JobRecord? ReadSingleJob(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadJob(reader) : null;
    }

    public static List<JobRecord> ReadJobs(SqliteCommand command)
    {
        var jobs = new List<JobRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            jobs.Add(ReadJob(reader));
        }
        return jobs;
    }

    /// <summary>Reads a row selected with <see cref="JobSql.EventColumns"/>.</summary>
    public static JobEvent ReadEvent(SqliteDataReader reader) =>
        new(JobIds.Parse(reader.GetString(0)), reader.GetInt64(1), reader.GetString(2), reader.GetTime(3))
        {
            BlockId = reader.GetNullableString(4),
            BlockType = reader.GetNullableString(5),
            Text = reader.GetNullableString(6),
            Duration = reader.GetNullableInt64(7) is { } ticks ? TimeSpan.FromTicks(ticks) : null,
            Output = StoredJson.Parse(reader.GetNullableString(8)),
            Error = reader.GetNullableString(9),
            Data = StoredJson.ParseObjectOrNull(reader.GetNullableString(10)),
        };

    public static Dictionary<string, JsonNode?> ReadOutputs(SqliteCommand command)
    {
        var outputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            outputs[reader.GetString(0)] = StoredJson.Parse(reader.GetString(1));
        }
        return outputs;
    }

    public static JobPost ReadPost(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetNullableString(1), reader.GetString(2), reader.GetString(3), reader.GetTime(4));

    /// <summary>Binds every jobs column of <see cref="JobSql.InsertJob"/>.</summary>
    public static void BindJob(RawStatement command, PreparedJob prepared)
    {
        var job = prepared.Job;
        command
            .Set("$id", prepared.Id)
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
            .Set("$lease_expires_at", UnixTime.ToMilliseconds(job.LeaseExpiresAt));
    }

    /// <summary>Binds every column of <see cref="JobSql.InsertEvent"/>.</summary>
    public static void BindEvent(RawStatement command, string jobId, PreparedEvent prepared)
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
            .Set("$data", prepared.Data);
    }
}
