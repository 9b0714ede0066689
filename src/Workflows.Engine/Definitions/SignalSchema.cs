using System.Text.Json.Nodes;
using Workflows.Engine.Definitions.Internal;

namespace Workflows.Engine.Definitions;

/// <summary>
/// A signal payload's fields, written in a block's <c>schema</c> option in the same form as <c>launchVariables</c>:
/// <c>NAME: TYPE</c> or <c>NAME: { type, required, default, description }</c>. Payloads are checked and coerced by
/// <see cref="LaunchVariableBinder"/>.
/// </summary>
public static class SignalSchema
{
    private static readonly string[] Keys = ["type", "required", "default", "description"];

    /// <summary>Reads the declarations; throws <see cref="ArgumentException"/> naming what is wrong.</summary>
    public static IReadOnlyList<LaunchVariableDefinition> Parse(JsonNode? schema)
    {
        if (schema is null)
        {
            return [];
        }

        if (schema is not JsonObject fields)
        {
            throw new ArgumentException("'schema' must be a mapping of FIELD: TYPE or FIELD: { type, required, default, description }");
        }

        var result = new List<LaunchVariableDefinition>(fields.Count);
        foreach (var (name, node) in fields)
        {
            result.Add(ParseField(name, node));
        }

        return result;
    }

    /// <summary>Checks and coerces a payload; throws <see cref="LaunchVariableException"/> naming the field.</summary>
    public static JsonObject Bind(IReadOnlyList<LaunchVariableDefinition> fields, JsonObject? payload) =>
        LaunchVariableBinder.Bind(fields, payload, "field");

    private static LaunchVariableDefinition ParseField(string name, JsonNode? node)
    {
        var type = "string";
        var required = false;
        JsonNode? defaultValue = null;
        var description = "";
        switch (node)
        {
            case null:
                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                type = text;
                break;
            case JsonObject mapping:
                foreach (var (key, value) in mapping)
                {
                    switch (key)
                    {
                        case "type":
                            type = value is JsonValue t && t.TryGetValue<string>(out var typeText)
                                ? typeText
                                : throw new ArgumentException($"'schema': field '{name}': type must be text");
                            break;
                        case "required":
                            required = value is JsonValue r && r.TryGetValue<bool>(out var flag)
                                ? flag
                                : throw new ArgumentException($"'schema': field '{name}': 'required' must be true or false");
                            break;
                        case "default":
                            defaultValue = value?.DeepClone();
                            break;
                        case "description":
                            description = value?.ToString() ?? "";
                            break;
                        default:
                            throw new ArgumentException(
                                $"'schema': field '{name}': unknown key '{key}' (expected one of: {string.Join(", ", Keys)})");
                    }
                }

                break;
            default:
                throw new ArgumentException($"'schema': field '{name}' must be a type name or a mapping {{ type, required, default, description }}");
        }

        if (!LaunchVariableTypes.All.Contains(type))
        {
            throw new ArgumentException(
                $"'schema': field '{name}': unknown type '{type}' (expected one of: {string.Join(", ", LaunchVariableTypes.All)})");
        }

        if (defaultValue is not null)
        {
            if (!LaunchVariableCoercion.TryCoerce(type, defaultValue, out var coerced, out var expected))
            {
                throw new ArgumentException($"'schema': field '{name}': the default must be {expected}, got {LaunchVariableCoercion.Describe(defaultValue)}");
            }

            defaultValue = coerced;
        }

        return new LaunchVariableDefinition(name, type, required, defaultValue, description);
    }
}
