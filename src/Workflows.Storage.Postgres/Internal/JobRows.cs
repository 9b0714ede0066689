using System.Text.Json.Nodes;
using Npgsql;
using Workflows.Engine.Jobs;

namespace Workflows.Storage.Postgres.Internal;

/// <summary>Maps job, event and post rows to records.</summary>
internal static class JobRows
{
    /// <summary>Reads a row selected with <see cref="JobSql.JobColumns"/>.</summary>
    public static JobRecord ReadJob(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetGuid(0),
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
        ParentJobId = reader.GetNullableGuid(18),
        IdempotencyFingerprint = reader.GetNullableString(19),
        IdempotencyExpiresAt = reader.GetNullableTime(20),
        LeaseOwner = reader.GetNullableString(21),
        LeaseExpiresAt = reader.GetNullableTime(22),
    };

    public static async Task<List<JobRecord>> ReadJobsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var jobs = new List<JobRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(ReadJob(reader));
        }
        return jobs;
    }

    /// <summary>Reads a row selected with <see cref="JobSql.EventColumns"/>.</summary>
    public static JobEvent ReadEvent(NpgsqlDataReader reader) =>
        new(reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2), reader.GetTime(3))
        {
            BlockId = reader.GetNullableString(4),
            BlockType = reader.GetNullableString(5),
            Text = reader.GetNullableString(6),
            Duration = reader.GetNullableInt64(7) is { } ticks ? TimeSpan.FromTicks(ticks) : null,
            Output = StoredJson.Parse(reader.GetNullableString(8)),
            Error = reader.GetNullableString(9),
            Data = StoredJson.ParseObjectOrNull(reader.GetNullableString(10)),
        };

    public static JobPost ReadPost(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetNullableString(1), reader.GetString(2), reader.GetString(3), reader.GetTime(4));

    public static async Task<Dictionary<string, JsonNode?>> ReadOutputsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var outputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            outputs[reader.GetString(0)] = StoredJson.Parse(reader.GetString(1));
        }
        return outputs;
    }
}
