using System.Text.Json.Nodes;

namespace Workflows.Engine.Jobs;

/// <summary>A child job a block asks for.</summary>
public sealed record ChildJobRequest
{
    /// <summary>The job whose block starts the child.</summary>
    public required Guid ParentJobId { get; init; }

    /// <summary>The parent's organisation; the child belongs to it too.</summary>
    public required string OrganizationId { get; init; }

    /// <summary>The app of the child's workflow (of the same organisation).</summary>
    public required string AppId { get; init; }

    /// <summary>The workflow to run.</summary>
    public required string Workflow { get; init; }

    /// <summary>The child's launch variables.</summary>
    public JsonObject? Variables { get; init; }

    /// <summary>
    /// Deterministic per parent and block (for example <c>child:&lt;parentJobId&gt;:&lt;blockId&gt;</c>), so starting
    /// again after a restart finds the same child.
    /// </summary>
    public required string IdempotencyKey { get; init; }
}
