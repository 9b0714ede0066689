namespace Workflows.Engine.Definitions;

/// <summary>A loaded app (worker, recipe): its manifest and its validated workflows.</summary>
public sealed record AppDefinition
{
    /// <summary>App id.</summary>
    public required string Id { get; init; }

    /// <summary>Owning organisation.</summary>
    public required string OrganizationId { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>URL-friendly name.</summary>
    public required string Slug { get; init; }

    /// <summary>What it does.</summary>
    public string Description { get; init; } = "";

    /// <summary>Workflows by name.</summary>
    public required IReadOnlyDictionary<string, WorkflowDefinition> Workflows { get; init; }

    /// <summary>Where it comes from: <c>folder</c> or <c>api</c>.</summary>
    public required string Source { get; init; }

    /// <summary>The schedules its <c>app.yaml</c> declares (none for API apps).</summary>
    public IReadOnlyList<Schedules.ScheduleDeclaration> Schedules { get; init; } = [];

    /// <summary>The budget of a job started without one (<c>budget:</c> in <c>app.yaml</c>), or null.</summary>
    public Jobs.JobBudget? Budget { get; init; }

    /// <summary>Whether its workflows are offered as MCP tools (<c>mcp: true</c> in <c>app.yaml</c>; a workflow may opt out).</summary>
    public bool Mcp { get; init; }

    /// <summary>The name of the workflow run when none is named.</summary>
    public const string DefaultWorkflow = "main";
}
