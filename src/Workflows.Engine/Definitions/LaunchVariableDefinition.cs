using System.Text.Json.Nodes;

namespace Workflows.Engine.Definitions;

/// <summary>A declared input of a workflow.</summary>
/// <param name="Name">Read in templates as <c>{{$launchVariables->NAME}}</c>.</param>
/// <param name="Type">One of <see cref="LaunchVariableTypes"/>.</param>
/// <param name="Required">Whether a run without it is refused.</param>
/// <param name="Default">Used when the caller passes none.</param>
/// <param name="Description">What it means.</param>
public sealed record LaunchVariableDefinition(string Name, string Type, bool Required, JsonNode? Default, string Description);

/// <summary>The launch variable types a definition may declare.</summary>
public static class LaunchVariableTypes
{
    /// <summary>All accepted type names.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        "string", "number", "integer", "boolean", "object", "array", "any",
        "image", "audio", "video", "document", "file",
    };

    /// <summary>The types whose values are files (stored, then passed to blocks as file objects).</summary>
    public static readonly IReadOnlySet<string> Files = new HashSet<string>(StringComparer.Ordinal)
    {
        "image", "audio", "video", "document", "file",
    };
}
