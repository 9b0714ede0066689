using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Relational;

/// <summary>
/// The exceptions every store throws for the same situations, with the same words, whatever error its database gave.
/// The engine and the shared store tests rely on the types; callers see the messages.
/// </summary>
public static class StoreErrors
{
    /// <summary>The job does not exist.</summary>
    public static KeyNotFoundException JobNotFound(Guid jobId) => new($"Job {jobId} does not exist.");

    /// <summary>
    /// A commit changed no row although the job exists: it has finished (a finished job takes no more events), another
    /// writer advanced it past the expected sequence, or its lease belongs to someone else.
    /// </summary>
    public static ConcurrencyException CommitRejected(JobCommit commit, long storedSequence, string? storedLeaseOwner, JobState storedState)
    {
        ArgumentNullException.ThrowIfNull(commit);
        if (storedState.IsTerminal())
        {
            return Finished(commit.JobId, storedState);
        }

        return storedSequence != commit.ExpectedSequence
            ? new ConcurrencyException($"Job {commit.JobId} is at sequence {storedSequence}, but the commit expected {commit.ExpectedSequence}.")
            : new ConcurrencyException($"Job {commit.JobId} is leased to {storedLeaseOwner ?? "no node"}, not to {commit.LeaseOwner}.");
    }

    /// <summary>The job has finished: its state and events are final, whatever sequence a writer expected.</summary>
    public static ConcurrencyException Finished(Guid jobId, JobState state) =>
        new($"Job {jobId} has finished ({state.ToString().ToLowerInvariant()}); it takes no more events or state changes.");

    /// <summary>Two starts raced past the idempotency lookup; the loser finds the winner's job by the key.</summary>
    public static ConcurrencyException DuplicateIdempotencyKey(JobRecord job, Exception inner)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new ConcurrencyException(
            $"Organisation {job.OrganizationId} already has a job with idempotency key '{job.IdempotencyKey}'.", inner);
    }

    /// <summary>A job with this id exists already.</summary>
    public static InvalidOperationException DuplicateJob(JobRecord job, Exception inner)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new InvalidOperationException($"Job {job.Id} already exists.", inner);
    }

    /// <summary>The outbox message does not exist (or was pruned with its job).</summary>
    public static KeyNotFoundException OutboxMessageNotFound(long id) => new($"Outbox message {id} does not exist.");

    /// <summary>An outbox row holds a status this version does not know.</summary>
    public static InvalidOperationException UnknownDeliveryStatus(string status) => new($"Unknown outbox status '{status}'.");
}
