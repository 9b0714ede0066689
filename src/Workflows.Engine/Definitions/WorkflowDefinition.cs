namespace Workflows.Engine.Definitions;

/// <summary>A parsed and validated <c>NAME.flow</c> file.</summary>
public sealed record WorkflowDefinition
{
    /// <summary>The file name without <c>.flow</c>; what the API calls the workflow.</summary>
    public required string Name { get; init; }

    /// <summary>Display name (the file's <c>name:</c>), defaulting to <see cref="Name"/>.</summary>
    public required string Title { get; init; }

    /// <summary>What it does.</summary>
    public string Description { get; init; } = "";

    /// <summary>Declared launch variables, in file order.</summary>
    public required IReadOnlyList<LaunchVariableDefinition> LaunchVariables { get; init; }

    /// <summary>False when the workflow opts out of being an MCP tool (<c>mcp: false</c>) although its app opts in.</summary>
    public bool Mcp { get; init; } = true;

    /// <summary>Blocks, in file order.</summary>
    public required IReadOnlyList<BlockDefinition> Blocks { get; init; }

    /// <summary>Keys of the output object when an output block names several <c>variables</c>; empty otherwise.</summary>
    public required IReadOnlyList<string> OutputVariables { get; init; }

    /// <summary>The source text, as given.</summary>
    public required string Source { get; init; }
}
