using System.Text;
using System.Text.Json.Nodes;
using Workflows.Engine.Definitions.Internal;

namespace Workflows.Engine.Definitions;

/// <summary>Checks and coerces a caller's launch variables against a workflow's declarations.</summary>
public static class LaunchVariableBinder
{
    /// <summary>
    /// Applies defaults, coerces types ("3" to 3 for a number …) and keeps undeclared variables as given.
    /// Throws <see cref="LaunchVariableException"/> naming the variable when a required one is missing or a value
    /// cannot be coerced.
    /// </summary>
    public static JsonObject Bind(WorkflowDefinition workflow, JsonObject? input)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        return Bind(workflow.LaunchVariables, input, "launch variable");
    }

    /// <summary>
    /// <see cref="Bind(WorkflowDefinition, JsonObject?)"/> over any declarations in the <c>launchVariables</c> form (a
    /// signal's <c>schema</c>); errors call each one a <paramref name="noun"/> (<c>field 'approved' is required</c>).
    /// </summary>
    public static JsonObject Bind(IReadOnlyList<LaunchVariableDefinition> declarations, JsonObject? input, string noun)
    {
        ArgumentNullException.ThrowIfNull(declarations);
        if (input is not null)
        {
            CheckSize(input);
        }

        var result = new JsonObject();
        foreach (var variable in declarations)
        {
            var given = input is not null && input.TryGetPropertyValue(variable.Name, out var value) ? value : null;
            if (given is null)
            {
                result[variable.Name] = variable.Default?.DeepClone()
                    ?? (variable.Required ? throw new LaunchVariableException($"{noun} '{variable.Name}' is required") : null);
                continue;
            }

            if (!LaunchVariableCoercion.TryCoerce(variable.Type, given, out var coerced, out var expected))
            {
                throw new LaunchVariableException(
                    $"{noun} '{variable.Name}' must be {expected}, got {LaunchVariableCoercion.Describe(given)}");
            }

            result[variable.Name] = coerced;
        }

        if (input is not null)
        {
            foreach (var (name, value) in input)
            {
                if (!result.ContainsKey(name))
                {
                    result[name] = value?.DeepClone();
                }
            }
        }

        return result;
    }

    /// <summary>At most this many launch variables per run.</summary>
    internal const int MaxVariables = 1_000;

    /// <summary>At most this many bytes of launch variables (as JSON) per run.</summary>
    internal const int MaxBytes = 10 * 1024 * 1024;

    private static void CheckSize(JsonObject input)
    {
        if (input.Count > MaxVariables)
        {
            throw new LaunchVariableException($"too many launch variables: {input.Count} (at most {MaxVariables})");
        }

        var bytes = Encoding.UTF8.GetByteCount(input.ToJsonString());
        if (bytes > MaxBytes)
        {
            throw new LaunchVariableException($"launch variables are too large: {bytes} bytes (at most {MaxBytes})");
        }
    }
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
