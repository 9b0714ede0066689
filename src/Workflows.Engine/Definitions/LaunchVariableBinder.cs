using System.Text.Json.Nodes;

namespace Workflows.Engine.Definitions;

/// <summary>Checks and coerces a caller's launch variables against a workflow's declarations.</summary>
public static class LaunchVariableBinder
{
    /// <summary>
    /// Applies defaults, coerces types ("3" to 3 for a number …) and keeps undeclared variables as given.
    /// Throws <see cref="LaunchVariableException"/> naming the variable when a required one is missing or a value
    /// cannot be coerced.
    /// </summary>
    public static JsonObject Bind(WorkflowDefinition workflow, JsonObject? input) => throw new NotImplementedException();
}

/// <summary>A launch variable that is missing or of the wrong type; the message names it.</summary>
public sealed class LaunchVariableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LaunchVariableException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public LaunchVariableException() { }

    /// <summary>Creates the exception.</summary>
    public LaunchVariableException(string message, Exception inner) : base(message, inner) { }
}
