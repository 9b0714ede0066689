using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Testing;

/// <summary>Builders for store tests. Times are whole milliseconds in UTC, the precision every store keeps.</summary>
public static class StoreTestData
{
    /// <summary>A fixed point in time the tests count from.</summary>
    public static readonly DateTimeOffset T0 = new(2025, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);

    /// <summary>A queued job with one job_queued event (LastSequence 1).</summary>
    public static JobRecord Job(
        string organizationId = "org-a",
        string appId = "app-1",
        DateTimeOffset? createdAt = null,
        JobState state = JobState.Queued,
        string? idempotencyKey = null) => new()
        {
            Id = Guid.NewGuid(),
            OrganizationId = organizationId,
            AppId = appId,
            Workflow = "summarize",
            WorkflowTitle = "Summarize",
            State = state,
            Variables = new JsonObject { ["text"] = "hello" },
            CreatedAt = createdAt ?? T0,
            LastSequence = 1,
            IdempotencyKey = idempotencyKey,
        };

    /// <summary>The job_queued event a new job starts with.</summary>
    public static JobEvent QueuedEvent(JobRecord job) => new(job.Id, 1, JobEventTypes.JobQueued, job.CreatedAt);

    /// <summary>A log event.</summary>
    public static JobEvent Log(Guid jobId, long sequence, string text = "line") =>
        new(jobId, sequence, JobEventTypes.Log, T0.AddMilliseconds(sequence)) { Text = text };

    /// <summary>A commit appending <paramref name="count"/> log events after <paramref name="expectedSequence"/>.</summary>
    public static JobCommit LogCommit(Guid jobId, long expectedSequence, int count = 1) => new()
    {
        JobId = jobId,
        ExpectedSequence = expectedSequence,
        Events = Enumerable.Range(1, count).Select(i => Log(jobId, expectedSequence + i, $"line {expectedSequence + i}")).ToList(),
    };

    /// <summary>A pending callback delivery for a job.</summary>
    public static OutboxMessage Message(JobRecord job, DateTimeOffset? dueAt = null, string? deliveryId = null) => new()
    {
        DeliveryId = deliveryId ?? "msg_" + Guid.NewGuid().ToString("N"),
        JobId = job.Id,
        OrganizationId = job.OrganizationId,
        Kind = "callback",
        Url = "https://example.test/hook",
        Payload = """{"id":"x","status":"succeeded"}""",
        NextAttemptAt = dueAt ?? T0,
        CreatedAt = T0,
    };

    /// <summary>An app with two workflows.</summary>
    public static StoredApp App(string organizationId = "org-a", string id = "app-1", string name = "Notes") => new(
        organizationId,
        id,
        name,
        id + "-slug",
        "Takes notes ✍️ — «unicode» 日本語",
        new Dictionary<string, string>
        {
            ["summarize"] = "name: Summarize\nblocks:\n  - id: a\n    type: llm\n    prompt: \"{{ text }}\"\n",
            ["translate"] = "name: Translate ü\n",
        },
        T0);
}
