using Workflows.Engine.Storage.Support;

namespace Workflows.Engine.Storage.InMemory.Internal;

/// <summary>A commit with its JSON serialised and its times normalised before the store's lock is taken.</summary>
internal sealed record PreparedCommit(
    JobCommit Commit,
    StoredEvent[] Events,
    (string BlockId, string Output)[] Outputs,
    string? Result,
    Jobs.JobPost[] Posts,
    OutboxMessage[] Outbox)
{
    public static PreparedCommit From(JobCommit commit) => new(
        commit,
        [.. commit.Events.Select(StoredEvent.From)],
        // A JSON null output is a real checkpoint ("ran, produced null"), so it is kept as the text null.
        [.. commit.Outputs.Select(output => (output.BlockId, StoredJson.Write(output.Output)))],
        StoredJson.WriteOrNull(commit.Result),
        [.. commit.Posts.Select(post => post with { Time = StoredTime.Of(post.Time) })],
        [.. commit.Outbox.Select(message => message with
        {
            Id = 0,
            Status = DeliveryStatus.Pending,
            NextAttemptAt = StoredTime.Of(message.NextAttemptAt),
            CreatedAt = StoredTime.Of(message.CreatedAt),
            LastAttemptAt = null,
        })]);
}
