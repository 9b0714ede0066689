using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage.Support;

namespace Workflows.Engine.Storage.InMemory.Internal;

/// <summary>One stored job and everything that hangs off it. Changed only under the store's lock.</summary>
internal sealed class JobEntry
{
    private static readonly JsonObject NoVariables = [];

    private JobEntry(JobRecord record, string variables, string? result)
    {
        Record = record;
        Variables = variables;
        Result = result;
    }

    /// <summary>The record with its times normalised; its JSON fields are kept as text in <see cref="Variables"/> and <see cref="Result"/>.</summary>
    public JobRecord Record { get; set; }

    public string Variables { get; }

    public string? Result { get; set; }

    public List<StoredEvent> Events { get; } = [];

    public Dictionary<string, string> Outputs { get; } = new(StringComparer.Ordinal);

    public List<JobPost> Posts { get; } = [];

    /// <summary>Signals sent to the job, oldest first (payloads are stored as text in the records' copies).</summary>
    public List<JobSignal> Signals { get; } = [];

    /// <summary>The job id as the SQL stores order it: lowercase "D" text.</summary>
    public string IdText { get; private init; } = "";

    public static JobEntry From(JobRecord job, IReadOnlyList<JobEvent> events)
    {
        var record = job with
        {
            Variables = NoVariables,
            Result = null,
            RunSummary = null,
            CreatedAt = StoredTime.Of(job.CreatedAt),
            StartedAt = StoredTime.Of(job.StartedAt),
            FinishedAt = StoredTime.Of(job.FinishedAt),
            IdempotencyExpiresAt = StoredTime.Of(job.IdempotencyExpiresAt),
            LeaseExpiresAt = StoredTime.Of(job.LeaseExpiresAt),
            WakeAt = StoredTime.Of(job.WakeAt),
            WaitSignals = job.WaitSignals.Count == 0 ? job.WaitSignals : [.. job.WaitSignals],
        };
        var entry = new JobEntry(record, StoredJson.Write(job.Variables), StoredJson.WriteOrNull(job.Result)) { IdText = job.Id.ToString("D") };
        foreach (var e in events)
        {
            entry.Events.Add(StoredEvent.From(e));
        }
        return entry;
    }

    /// <summary>A fresh copy of the record, as a database read would give it.</summary>
    public JobRecord Read() => Record with { Variables = StoredJson.ParseObject(Variables), Result = StoredJson.Parse(Result) };

    /// <summary>Newest first: created_at DESC, then the id text DESC, as the SQL stores list.</summary>
    public static int NewestFirst(JobEntry a, JobEntry b)
    {
        var byTime = b.Record.CreatedAt.CompareTo(a.Record.CreatedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(b.IdText, a.IdText);
    }

    /// <summary>Oldest first: created_at, then the id text.</summary>
    public static int OldestFirst(JobEntry a, JobEntry b) => NewestFirst(b, a);
}
