using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;

namespace Workflows.Engine.Storage;

/// <summary>
/// Everything one step of a job changes, written in one transaction: new events, checkpointed block outputs,
/// posts, a state change and outbox messages. Nothing in it is reported to anyone before the commit returns.
/// </summary>
public sealed record JobCommit
{
    /// <summary>The job.</summary>
    public required Guid JobId { get; init; }

    /// <summary>
    /// The job's last sequence the writer saw. The store refuses the commit with
    /// <see cref="ConcurrencyException"/> when the stored one differs, so two writers never interleave events.
    /// </summary>
    public required long ExpectedSequence { get; init; }

    /// <summary>Events to append, numbered ExpectedSequence + 1, + 2, … in order.</summary>
    public IReadOnlyList<JobEvent> Events { get; init; } = [];

    /// <summary>Block outputs to checkpoint, so a resumed job does not run those blocks again.</summary>
    public IReadOnlyList<BlockOutput> Outputs { get; init; } = [];

    /// <summary>Posts to append.</summary>
    public IReadOnlyList<JobPost> Posts { get; init; } = [];

    /// <summary>The new state, if it changes.</summary>
    public JobState? State { get; init; }

    /// <summary>Set when the job starts.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Set when the job finishes.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The result, when it succeeds.</summary>
    public JsonNode? Result { get; init; }

    /// <summary>The error, when it fails or is cancelled.</summary>
    public string? Error { get; init; }

    /// <summary>Deliveries to make once committed (callbacks, progress).</summary>
    public IReadOnlyList<OutboxMessage> Outbox { get; init; } = [];

    /// <summary>
    /// The node committing as the job's runner. When set, the store refuses the commit with
    /// <see cref="ConcurrencyException"/> unless that node still holds the job's lease, so a node that lost its lease
    /// (it stalled and another node took the job over) cannot write into the job any more. Null for writers that are
    /// not the runner (a cancel from another node), which only the sequence check guards.
    /// </summary>
    public string? LeaseOwner { get; init; }

    /// <summary>
    /// Set with <see cref="State"/> <see cref="JobState.Waiting"/>: what the job waits for. The store records it, gives up
    /// the lease (a waiting job belongs to no node), and when a signal the job now waits for is already stored and not
    /// taken, makes the job due at once (<see cref="JobWaitCommit.Since"/>). Any other state change clears the wait.
    /// </summary>
    public JobWaitCommit? Wait { get; init; }

    /// <summary>The job's accumulated running time, when it changes (see <see cref="JobRecord.RunTime"/>).</summary>
    public TimeSpan? RunTime { get; init; }

    /// <summary>The W3C trace context of the attempt committing, when it changes (see <see cref="JobRecord.TraceParent"/>).</summary>
    public string? TraceParent { get; init; }

    /// <summary>Signals (<see cref="JobSignal.Id"/>) taken by this step: marked consumed in the same transaction.</summary>
    public IReadOnlyList<long> ConsumeSignals { get; init; } = [];

    /// <summary>
    /// The job to store first, in the same transaction, when this is its first commit: a job that nothing else can
    /// conflict with (no idempotency key) is stored together with its first steps instead of in a transaction of its own.
    /// Its last sequence is the commit's <see cref="ExpectedSequence"/>.
    /// </summary>
    public NewJob? Create { get; init; }
}

/// <summary>What a job entering <see cref="JobState.Waiting"/> waits for.</summary>
/// <param name="WakeAt">When it is due at the latest (a delay's end, a signal wait's timeout), or null for never.</param>
/// <param name="Signals">The signal names that wake it.</param>
/// <param name="Since">When it started waiting: its due time when a signal it waits for is already stored.</param>
public sealed record JobWaitCommit(DateTimeOffset? WakeAt, IReadOnlyList<string> Signals, DateTimeOffset Since);

/// <summary>A job to store, with its first events (as <see cref="IJobStore.CreateJobAsync"/> takes them).</summary>
/// <param name="Job">The job.</param>
/// <param name="Events">Its events so far, numbered from 1 up to its last sequence.</param>
public sealed record NewJob(JobRecord Job, IReadOnlyList<JobEvent> Events);

/// <summary>A checkpointed block output.</summary>
/// <param name="BlockId">The block.</param>
/// <param name="Output">What it produced (may be JSON null).</param>
public sealed record BlockOutput(string BlockId, JsonNode? Output);

/// <summary>Thrown when a commit's expected sequence does not match the stored one.</summary>
public sealed class ConcurrencyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConcurrencyException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public ConcurrencyException() { }

    /// <summary>Creates the exception.</summary>
    public ConcurrencyException(string message, Exception inner) : base(message, inner) { }
}
