using System.Text.Json.Nodes;

namespace Workflows.Engine.Jobs;

/// <summary>What a caller asks for when starting a job.</summary>
public sealed record StartJobRequest
{
    /// <summary>The caller's organisation.</summary>
    public required string OrganizationId { get; init; }

    /// <summary>The app to run.</summary>
    public required string AppId { get; init; }

    /// <summary>The workflow; null or empty for <c>main</c>.</summary>
    public string? Workflow { get; init; }

    /// <summary>Launch variables as given.</summary>
    public JsonObject? Variables { get; init; }

    /// <summary>Callback URL, if any.</summary>
    public string? CallbackUrl { get; init; }

    /// <summary>Progress URL, if any.</summary>
    public string? ProgressUrl { get; init; }

    /// <summary>Idempotency key, if any.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Id of the caller's token.</summary>
    public string CreatedBy { get; init; } = "";

    /// <summary>The subject (<c>sub</c>) of the caller's token, or null when no caller asked (a schedule's tick).</summary>
    public string? Creator { get; init; }

    /// <summary>Which API asked (native, apps, recipes); decides the callback body's shape.</summary>
    public string Dialect { get; init; } = "native";

    /// <summary>The job whose block starts this one as a child job, or null.</summary>
    public Guid? ParentJobId { get; init; }

    /// <summary>The schedule starting this job, or null.</summary>
    public string? ScheduleId { get; init; }

    /// <summary>The schedule tick this job runs for, or null.</summary>
    public DateTimeOffset? ScheduledTime { get; init; }

    /// <summary>What the job may spend, or null for the app's default budget (if any).</summary>
    public JobBudget? Budget { get; init; }

    /// <summary>The job this one reruns, or null.</summary>
    public Guid? RerunOf { get; init; }

    /// <summary>Outputs of blocks recorded as completed in the new job without running (a rerun from a block), or null.</summary>
    public IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode?>? ReusedOutputs { get; init; }

    /// <summary>
    /// The definition to run instead of the app's current one for <see cref="Workflow"/> (a rerun runs the definition
    /// its original started with), or null.
    /// </summary>
    public Definitions.WorkflowDefinition? Definition { get; init; }
}
