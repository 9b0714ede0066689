using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;

namespace Workflows.Engine.Files.Internal;

/// <summary>
/// The engine's resolver when the host registers none: a run that passes a file refuses with a message naming the
/// variable, instead of handing blocks a raw string where they expect a file object.
/// </summary>
internal sealed class NoFileInputs : IFileInputResolver
{
    public Task<JsonObject> ResolveAsync(string organizationId, WorkflowDefinition workflow, JsonObject variables, CancellationToken cancellationToken)
    {
        foreach (var variable in workflow.LaunchVariables)
        {
            if (LaunchVariableTypes.Files.Contains(variable.Type) && variables[variable.Name] is not null)
            {
                throw new LaunchVariableException($"launch variable '{variable.Name}': this server has no file store");
            }
        }

        return Task.FromResult(variables);
    }
}
