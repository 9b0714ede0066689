using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Workflows.Engine.Jobs;
using Workflows.Engine.Schedules;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Relational;

/// <summary>
/// Maps rows selected with the column lists of <see cref="StoreSql"/> to records. Ordinal reads, no reflection: the
/// store's hot reads (a job, its events) pay for nothing but the column values.
/// </summary>
/// <typeparam name="TColumns">The store's id and time column types.</typeparam>
[SuppressMessage("Design", "CA1000", Justification = "The type argument is the store's column types, named once per store; a generic class is what makes the JIT specialise it.")]
public static class RowMapper<TColumns>
    where TColumns : struct, IColumnTypes
{
    /// <summary>Reads a row selected with <see cref="StoreSql.JobColumns"/>.</summary>
    public static JobRecord ReadJob(DbDataReader reader) => new()
    {
        Id = TColumns.GetId(reader, 0),
        OrganizationId = reader.GetString(1),
        AppId = reader.GetString(2),
        Workflow = reader.GetString(3),
        WorkflowTitle = reader.GetString(4),
        State = (JobState)reader.GetInt32(5),
        Variables = StoredJson.ParseObject(reader.GetString(6)),
        CreatedAt = TColumns.GetTime(reader, 7),
        StartedAt = GetNullableTime(reader, 8),
        FinishedAt = GetNullableTime(reader, 9),
        Result = StoredJson.Parse(GetNullableString(reader, 10)),
        Error = GetNullableString(reader, 11),
        LastSequence = reader.GetInt64(12),
        CreatedBy = reader.GetString(13),
        CallbackUrl = GetNullableString(reader, 14),
        ProgressUrl = GetNullableString(reader, 15),
        IdempotencyKey = GetNullableString(reader, 16),
        Dialect = reader.GetString(17),
        ParentJobId = reader.IsDBNull(18) ? null : TColumns.GetId(reader, 18),
        IdempotencyFingerprint = GetNullableString(reader, 19),
        IdempotencyExpiresAt = GetNullableTime(reader, 20),
        LeaseOwner = GetNullableString(reader, 21),
        LeaseExpiresAt = GetNullableTime(reader, 22),
        ScheduleId = GetNullableString(reader, 23),
        ScheduledTime = GetNullableTime(reader, 24),
        Budget = JobBudget.FromJson(GetNullableString(reader, 25)),
        RerunOf = reader.IsDBNull(26) ? null : TColumns.GetId(reader, 26),
        DefinitionHash = GetNullableString(reader, 27),
        WakeAt = GetNullableTime(reader, 28),
        WaitSignals = StoredJson.ParseStrings(GetNullableString(reader, 29)),
        RunTime = TimeSpan.FromMilliseconds(reader.GetInt64(30)),
        CancelRequested = GetNullableString(reader, 31),
        TraceParent = GetNullableString(reader, 32),
        Creator = GetNullableString(reader, 33),
    };

    /// <summary>Reads a row selected with <see cref="StoreSql.SignalColumns"/>.</summary>
    public static JobSignal ReadSignal(DbDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        JobId = TColumns.GetId(reader, 1),
        Name = reader.GetString(2),
        Payload = StoredJson.ParseObject(reader.GetString(3)),
        IdempotencyKey = GetNullableString(reader, 4),
        CreatedAt = TColumns.GetTime(reader, 5),
        Consumed = reader.GetBoolean(6),
    };

    /// <summary>Reads a row selected with <see cref="StoreSql.ScheduleColumns"/> and the newest recorded tick after them.</summary>
    public static ScheduleRecord ReadSchedule(DbDataReader reader) => new()
    {
        OrganizationId = reader.GetString(0),
        Id = reader.GetString(1),
        AppId = reader.GetString(2),
        Workflow = reader.GetString(3),
        Variables = StoredJson.ParseObject(reader.GetString(4)),
        Cron = reader.GetString(5),
        TimeZone = reader.GetString(6),
        Overlap = ScheduleOverlapNames.TryParse(reader.GetString(7)) ?? ScheduleOverlap.Skip,
        CatchupWindow = TimeSpan.FromMilliseconds(reader.GetInt64(8)),
        Paused = reader.GetBoolean(9),
        Source = reader.GetString(10),
        CreatedBy = reader.GetString(11),
        CreatedAt = TColumns.GetTime(reader, 12),
        UpdatedAt = TColumns.GetTime(reader, 13),
        TicksFrom = TColumns.GetTime(reader, 14),
        LastTickAt = GetNullableTime(reader, 15),
    };

    /// <summary>Reads a row selected with <see cref="StoreSql.ScheduleRunColumns"/>.</summary>
    public static ScheduleRun ReadScheduleRun(DbDataReader reader) => new()
    {
        OrganizationId = reader.GetString(0),
        ScheduleId = reader.GetString(1),
        ScheduledTime = TColumns.GetTime(reader, 2),
        Outcome = reader.GetString(3),
        JobId = reader.IsDBNull(4) ? null : TColumns.GetId(reader, 4),
        Error = GetNullableString(reader, 5),
        RecordedAt = TColumns.GetTime(reader, 6),
    };

    /// <summary>Reads a row selected with <see cref="StoreSql.EventColumns"/>.</summary>
    public static JobEvent ReadEvent(DbDataReader reader) =>
        new(TColumns.GetId(reader, 0), reader.GetInt64(1), reader.GetString(2), TColumns.GetTime(reader, 3))
        {
            BlockId = GetNullableString(reader, 4),
            BlockType = GetNullableString(reader, 5),
            Text = GetNullableString(reader, 6),
            Duration = reader.IsDBNull(7) ? null : TimeSpan.FromTicks(reader.GetInt64(7)),
            Output = StoredJson.Parse(GetNullableString(reader, 8)),
            Error = GetNullableString(reader, 9),
            Data = StoredJson.ParseObjectOrNull(GetNullableString(reader, 10)),
        };

    /// <summary>
    /// The events after <paramref name="after"/>, at most <paramref name="limit"/>, of rows selected with
    /// <see cref="StoreSql.EventRowColumns"/> in sequence order.
    /// </summary>
    public static List<JobEvent> ReadEvents(DbDataReader reader, long after, int limit)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var events = new List<JobEvent>();
        while (events.Count < limit && reader.Read())
        {
            AddEvents(reader, after, limit, events);
        }
        return events;
    }

    /// <inheritdoc cref="ReadEvents"/>
    public static async Task<List<JobEvent>> ReadEventsAsync(DbDataReader reader, long after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var events = new List<JobEvent>();
        while (events.Count < limit && await reader.ReadAsync(cancellationToken))
        {
            AddEvents(reader, after, limit, events);
        }
        return events;
    }

    private static void AddEvents(DbDataReader reader, long after, int limit, List<JobEvent> events)
    {
        var first = ReadEvent(reader);
        if (first.Sequence > after)
        {
            events.Add(first);
        }
        if (!reader.IsDBNull(11))
        {
            EventBatch.ReadLater(first.JobId, reader.GetString(11), after, limit, events);
        }
    }

    /// <summary>Reads a row selected with <see cref="StoreSql.PostColumns"/>.</summary>
    public static JobPost ReadPost(DbDataReader reader) =>
        new(reader.GetString(0), GetNullableString(reader, 1), reader.GetString(2), reader.GetString(3), TColumns.GetTime(reader, 4));

    /// <summary>Reads a row selected with <see cref="StoreSql.AppColumns"/>.</summary>
    public static StoredApp ReadApp(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        StoredJson.ParseMap(reader.GetString(5)),
        TColumns.GetTime(reader, 6));

    /// <summary>Reads a row selected with <see cref="StoreSql.OutboxColumns"/>.</summary>
    public static OutboxMessage ReadOutboxMessage(DbDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        DeliveryId = reader.GetString(1),
        JobId = TColumns.GetId(reader, 2),
        OrganizationId = reader.GetString(3),
        Kind = reader.GetString(4),
        Url = reader.GetString(5),
        Payload = reader.GetString(6),
        Attempts = reader.GetInt32(7),
        NextAttemptAt = TColumns.GetTime(reader, 8),
        CreatedAt = TColumns.GetTime(reader, 9),
        LastError = GetNullableString(reader, 10),
        Status = ParseDeliveryStatus(reader.GetString(11)),
        LastAttemptAt = GetNullableTime(reader, 12),
    };

    /// <summary>A nullable text column.</summary>
    public static string? GetNullableString(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>A nullable time column.</summary>
    public static DateTimeOffset? GetNullableTime(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : TColumns.GetTime(reader, ordinal);

    private static DeliveryStatus ParseDeliveryStatus(string status) => status switch
    {
        "pending" => DeliveryStatus.Pending,
        "delivered" => DeliveryStatus.Delivered,
        "failed" => DeliveryStatus.Failed,
        _ => throw StoreErrors.UnknownDeliveryStatus(status),
    };
}
