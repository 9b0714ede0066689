using Npgsql;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Postgres.Internal;

/// <summary>
/// A commit as one ready-bound statement (<see cref="JobSql.Commit"/>), built on the caller's thread from the shared
/// <see cref="PreparedCommit"/>; the writer sends a copy per attempt.
/// </summary>
internal sealed class CommitStatement
{
    private CommitStatement(JobCommit commit, NpgsqlBatchCommand statement, NpgsqlBatchCommand[] followUps)
    {
        Commit = commit;
        Statement = statement;
        FollowUps = followUps;
    }

    /// <summary>Statements run after <see cref="Statement"/> in the same transaction (a wait's signal check, signals taken).</summary>
    public NpgsqlBatchCommand[] FollowUps { get; }

    public JobCommit Commit { get; }

    public NpgsqlBatchCommand Statement { get; }

    public static CommitStatement From(JobCommit commit)
    {
        var prepared = PreparedCommit.From(commit);
        var lastSequence = prepared.LastSequence;
        var statement = new NpgsqlBatchCommand(JobSql.Commit);
        statement.Parameters
            .Uuid("id", commit.JobId)
            .BigInt("expected", commit.ExpectedSequence)
            .BigInt("last_sequence", lastSequence)
            .Int("state", commit.State is { } state ? (int)state : null)
            .Time("started_at", commit.StartedAt)
            .Time("finished_at", commit.FinishedAt)
            .Text("result", prepared.Result)
            .Text("error", commit.Error)
            .Text("lease_owner", commit.LeaseOwner)
            .Text("notification", JobNotifications.Format(commit.JobId, lastSequence))
            .BigInt("run_time_ms", commit.RunTime is { } runTime ? (long)runTime.TotalMilliseconds : null)
            .Text("trace_parent", commit.TraceParent)
            .Bool("wait", commit.Wait is not null)
            .Time("wake_at", commit.Wait?.WakeAt)
            .Text("wait_signals", commit.Wait is { } waiting ? StoredJson.WriteStrings(waiting.Signals) : null);
        EventColumns.Bind(statement.Parameters, prepared.Events);
        BindOutputs(statement.Parameters, prepared.Outputs);
        BindPosts(statement.Parameters, commit.Posts);
        BindOutbox(statement.Parameters, commit.Outbox);

        var followUps = new List<NpgsqlBatchCommand>();
        if (commit.Wait is { Signals.Count: > 0 } wait)
        {
            var due = new NpgsqlBatchCommand(JobSql.DueOnStoredSignal);
            due.Parameters.Uuid("id", commit.JobId).Time("since", wait.Since).TextArray("names", [.. wait.Signals]);
            followUps.Add(due);
        }
        if (commit.ConsumeSignals.Count > 0)
        {
            var consume = new NpgsqlBatchCommand(JobSql.ConsumeSignals);
            consume.Parameters.Uuid("id", commit.JobId).BigIntArray("signal_ids", [.. commit.ConsumeSignals]);
            followUps.Add(consume);
        }
        return new CommitStatement(commit, statement, [.. followUps]);
    }

    private static void BindOutputs(NpgsqlParameterCollection parameters, (string BlockId, string Output)[] outputs)
    {
        // One statement may not upsert the same row twice; a block checkpointed twice in one commit keeps its last output,
        // as it would with the outputs applied one after the other.
        var last = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (blockId, output) in outputs)
        {
            last[blockId] = output;
        }
        parameters
            .TextArray("o_block_id", [.. last.Keys])
            .TextArray("o_output", [.. last.Values]);
    }

    private static void BindPosts(NpgsqlParameterCollection parameters, IReadOnlyList<Engine.Jobs.JobPost> posts)
    {
        parameters
            .TextArray("p_id", posts.Select(p => p.Id).ToArray())
            .TextArray("p_block_id", posts.Select(p => p.BlockId).ToArray())
            .TextArray("p_role", posts.Select(p => p.Role).ToArray())
            .TextArray("p_content", posts.Select(p => p.Content).ToArray())
            .TimeArray("p_time", posts.Select(p => p.Time).ToArray());
    }

    private static void BindOutbox(NpgsqlParameterCollection parameters, IReadOnlyList<OutboxMessage> messages)
    {
        parameters
            .TextArray("m_delivery_id", messages.Select(m => m.DeliveryId).ToArray())
            .TextArray("m_org", messages.Select(m => m.OrganizationId).ToArray())
            .TextArray("m_kind", messages.Select(m => m.Kind).ToArray())
            .TextArray("m_url", messages.Select(m => m.Url).ToArray())
            .TextArray("m_payload", messages.Select(m => m.Payload).ToArray())
            .IntArray("m_attempts", messages.Select(m => m.Attempts).ToArray())
            .TimeArray("m_next_attempt_at", messages.Select(m => m.NextAttemptAt).ToArray())
            .TimeArray("m_created_at", messages.Select(m => m.CreatedAt).ToArray())
            .TextArray("m_last_error", messages.Select(m => m.LastError).ToArray());
    }
}
