using System.Text.Json.Nodes;

namespace Workflows.Engine.Jobs;

/// <summary>One run of one workflow, as stored.</summary>
public sealed record JobRecord
{
    /// <summary>Job id.</summary>
    public required Guid Id { get; init; }

    /// <summary>Owning organisation.</summary>
    public required string OrganizationId { get; init; }

    /// <summary>The app the workflow belongs to.</summary>
    public required string AppId { get; init; }

    /// <summary>Workflow name, without <c>.flow</c>.</summary>
    public required string Workflow { get; init; }

    /// <summary>The workflow's display name at the time of the run.</summary>
    public string WorkflowTitle { get; init; } = "";

    /// <summary>Current state.</summary>
    public required JobState State { get; init; }

    /// <summary>Launch variables after defaults and coercion.</summary>
    public required JsonObject Variables { get; init; }

    /// <summary>When it was accepted.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it started running.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it reached a terminal state.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The result once succeeded.</summary>
    public JsonNode? Result { get; init; }

    /// <summary>The error once failed or cancelled.</summary>
    public string? Error { get; init; }

    /// <summary>Sequence of the newest stored event.</summary>
    public long LastSequence { get; init; }

    /// <summary>Id of the token that started the job.</summary>
    public string CreatedBy { get; init; } = "";

    /// <summary>
    /// The subject (<c>sub</c>) of the token that started the job (or reran it), or null when no caller did (a schedule's
    /// tick) or the job was stored before creators were recorded. A child job has its parent's.
    /// </summary>
    public string? Creator { get; init; }

    /// <summary>URL the finished job is POSTed to.</summary>
    public string? CallbackUrl { get; init; }

    /// <summary>URL progress events are POSTed to.</summary>
    public string? ProgressUrl { get; init; }

    /// <summary>The caller's idempotency key, if any (cleared when an expired key is reused by a newer job).</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>
    /// A hash of the request that started the job with <see cref="IdempotencyKey"/>, so the key coming again with a
    /// different request can be told apart.
    /// </summary>
    public string? IdempotencyFingerprint { get; init; }

    /// <summary>
    /// When <see cref="IdempotencyKey"/> expires: from then on a new job may take the key over. Null means never
    /// (child jobs, whose keys must always find the child).
    /// </summary>
    public DateTimeOffset? IdempotencyExpiresAt { get; init; }

    /// <summary>Which API started it (native, apps, recipes); decides the callback body's shape.</summary>
    public string Dialect { get; init; } = "native";

    /// <summary>The job whose block started this one (<c>run_workflow</c>, <c>foreach</c>), or null for a top-level job.</summary>
    public Guid? ParentJobId { get; init; }

    /// <summary>The schedule that started the job (a tick or a trigger), or null.</summary>
    public string? ScheduleId { get; init; }

    /// <summary>The schedule tick the job runs for (the trigger's time for a triggered run), or null.</summary>
    public DateTimeOffset? ScheduledTime { get; init; }

    /// <summary>What the job may spend before a block no longer starts, or null for no limit.</summary>
    public JobBudget? Budget { get; init; }

    /// <summary>The job this one reruns (<c>RerunJob</c>), or null.</summary>
    public Guid? RerunOf { get; init; }

    /// <summary>
    /// The content hash of the workflow definition the job started with (its source is stored under it), or null for a
    /// job stored before definitions were kept. A job runs that definition to the end, whatever happens to its app.
    /// </summary>
    public string? DefinitionHash { get; init; }

    /// <summary>
    /// Not stored: outputs a rerun from a block reuses from <see cref="RerunOf"/>; the run records them as completed
    /// blocks in its first commit (from then on they are stored outputs like any other). Null otherwise.
    /// </summary>
    public IReadOnlyDictionary<string, JsonNode?>? ReusedOutputs { get; init; }

    /// <summary>
    /// The node that runs the job (its lease), or null when no node holds it; the store keeps it with
    /// <see cref="LeaseExpiresAt"/>, and an expired lease lets another node take the job over.
    /// </summary>
    public string? LeaseOwner { get; init; }

    /// <summary>When <see cref="LeaseOwner"/>'s lease runs out unless renewed.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>When a waiting job is due to run again (its delay ends, a signal came, its wait times out); null otherwise.</summary>
    public DateTimeOffset? WakeAt { get; init; }

    /// <summary>The signal names a waiting job waits for (empty when it waits for time only).</summary>
    public IReadOnlyList<string> WaitSignals { get; init; } = [];

    /// <summary>
    /// Running time accumulated up to its last wait (the job time limit counts running time only, not waiting time).
    /// </summary>
    public TimeSpan RunTime { get; init; }

    /// <summary>The reason of a stored cancel request not yet carried out, or null.</summary>
    public string? CancelRequested { get; init; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the job's latest <c>workflow.run</c> span, or null before its first run with tracing
    /// on: a resumed or taken-over job continues that trace (its span is that span's child and links to it), and its
    /// callback carries it.
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>
    /// Not stored: the posts and cost of the whole run, set on the record a run hands back when this node ran the job from
    /// its start (so nothing of it is only in the store); null on records read from the store.
    /// </summary>
    public JobRunSummary? RunSummary { get; init; }
}

/// <summary>A finished run's posts (in order) and billing cost, as the runner that ran all of it knows them.</summary>
public sealed record JobRunSummary(IReadOnlyList<JobPost> Posts, decimal BillingCost);
