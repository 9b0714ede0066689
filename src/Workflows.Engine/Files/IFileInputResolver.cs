using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;

namespace Workflows.Engine.Files;

/// <summary>
/// Turns the values of file-typed launch variables (<see cref="LaunchVariableTypes.Files"/>) into stored files before a
/// job starts. The engine has none of its own that fetches anything: the blocks library registers one that stores
/// URLs, data URLs and base64 through the guarded outbound client.
/// </summary>
public interface IFileInputResolver
{
    /// <summary>
    /// Stores the files named by <paramref name="variables"/> (already bound) and replaces them with file objects, in
    /// place; returns <paramref name="variables"/>. Throws <see cref="LaunchVariableException"/> naming the variable
    /// for input that is not a file or is too large.
    /// </summary>
    Task<JsonObject> ResolveAsync(string organizationId, WorkflowDefinition workflow, JsonObject variables, CancellationToken cancellationToken);
}
