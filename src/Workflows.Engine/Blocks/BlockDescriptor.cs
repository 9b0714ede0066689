using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;

namespace Workflows.Engine.Blocks;

/// <summary>
/// What the engine knows of a block type from its class alone: the <see cref="BlockAttribute"/> and
/// <see cref="BlockOptionAttribute"/>s. One source of truth for load-time checks, the run loop, the console's forms and
/// the <c>.flow</c> JSON Schema.
/// </summary>
public sealed class BlockDescriptor
{
    private BlockDescriptor(Type type, BlockAttribute block, IReadOnlyList<BlockOptionAttribute> options)
    {
        BlockType = type;
        TypeName = block.TypeName;
        Description = block.Description;
        InProcess = block.InProcess;
        WorkflowScoped = block.WorkflowScoped;
        Waits = block.Waits;
        WorkflowOutput = block.WorkflowOutput;
        Options = options;
    }

    /// <summary>The type name, as written in <c>type:</c>.</summary>
    public string TypeName { get; }

    /// <summary>The class that implements it.</summary>
    public Type BlockType { get; }

    /// <summary>What the block does.</summary>
    public string Description { get; }

    /// <inheritdoc cref="BlockAttribute.InProcess"/>
    public bool InProcess { get; }

    /// <inheritdoc cref="BlockAttribute.WorkflowScoped"/>
    public bool WorkflowScoped { get; }

    /// <inheritdoc cref="BlockAttribute.Waits"/>
    public bool Waits { get; }

    /// <inheritdoc cref="BlockAttribute.WorkflowOutput"/>
    public bool WorkflowOutput { get; }

    /// <summary>The declared options, in declaration order. Empty means the block accepts any option.</summary>
    public IReadOnlyList<BlockOptionAttribute> Options { get; }

    /// <summary>The descriptor of a block class, or null when it is not one (no <see cref="BlockAttribute"/>, or not an <see cref="IBlock"/>).</summary>
    /// <exception cref="InvalidOperationException">The class declares an empty type name or an option twice.</exception>
    public static BlockDescriptor? Of(Type type)
    {
        if (!type.IsClass || type.IsAbstract || type.IsGenericTypeDefinition || !typeof(IBlock).IsAssignableFrom(type))
        {
            return null;
        }

        var block = type.GetCustomAttribute<BlockAttribute>();
        if (block is null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(block.TypeName))
        {
            throw new InvalidOperationException($"block class '{type.FullName}' has an empty type name");
        }

        var options = type.GetCustomAttributes<BlockOptionAttribute>().ToList();
        var twice = options.GroupBy(o => o.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null || options.Any(o => o.Name == BlockDefinition.TimeoutParameter))
        {
            throw new InvalidOperationException(
                $"block class '{type.FullName}' declares option '{twice?.Key ?? BlockDefinition.TimeoutParameter}' twice (every block has '{BlockDefinition.TimeoutParameter}')");
        }

        return new BlockDescriptor(type, block, options);
    }

    /// <summary>
    /// The JSON Schema (draft 2020-12) of this block as written in a <c>.flow</c> file: <c>type</c>, <c>id</c>,
    /// <c>after</c>, <c>timeout</c> and the declared options.
    /// </summary>
    public JsonObject OptionsSchema()
    {
        var properties = new JsonObject
        {
            ["type"] = new JsonObject { ["const"] = TypeName },
            ["id"] = new JsonObject { ["type"] = "string", ["description"] = "Unique in the workflow; later blocks read the output as {{id}}." },
            ["after"] = new JsonObject
            {
                ["description"] = "Blocks this one waits for (default: the block written before it).",
                ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "string" }, new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } }),
            },
            [BlockDefinition.TimeoutParameter] = new JsonObject { ["type"] = "string", ["description"] = "The longest the block may run (500ms, 30s, 5m, PT5M)." },
        };
        var required = new JsonArray("type");
        foreach (var option in Options)
        {
            properties[option.Name] = SchemaOf(option);
            if (option.Required)
            {
                required.Add(option.Name);
            }
        }

        return new JsonObject
        {
            ["title"] = TypeName,
            ["description"] = Description,
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = required,
            ["additionalProperties"] = Options.Count == 0,
        };
    }

    /// <summary>
    /// Checks the options as written against the declarations: unknown options (when any are declared), missing required
    /// ones and values of the wrong kind. Problems go through <see cref="BlockValidationContext.Error"/>.
    /// </summary>
    internal void ValidateOptions(BlockValidationContext context)
    {
        var parameters = context.Block.Parameters;
        if (Options.Count > 0)
        {
            foreach (var (key, _) in parameters)
            {
                if (key != BlockDefinition.TimeoutParameter && !Options.Any(o => o.Name == key))
                {
                    var known = string.Join(", ", Options.Select(o => o.Name).Append(BlockDefinition.TimeoutParameter).Order(StringComparer.Ordinal));
                    context.Error($"unknown option '{key}' for a '{TypeName}' block (its options: {known})");
                }
            }
        }

        foreach (var option in Options)
        {
            if (!parameters.TryGetPropertyValue(option.Name, out var value) || value is null)
            {
                if (option.Required)
                {
                    context.Error($"'{option.Name}' is required");
                }

                continue;
            }

            var problem = KindProblem(option, value);
            if (problem is not null)
            {
                context.Error($"'{option.Name}' {problem}");
            }
        }
    }

    private static string? KindProblem(BlockOptionAttribute option, JsonNode value)
    {
        var kind = value.GetValueKind();
        var isTemplate = option.AllowsTemplate && kind == JsonValueKind.String;
        return option.Type switch
        {
            BlockOptionType.String or BlockOptionType.Template or BlockOptionType.Script or BlockOptionType.Duration
                when kind != JsonValueKind.String => "must be a string",
            BlockOptionType.String when option.Values is { } values && !values.Contains(value.GetValue<string>(), StringComparer.Ordinal) =>
                $"must be one of {string.Join(", ", values)}",
            BlockOptionType.Boolean when kind is not (JsonValueKind.True or JsonValueKind.False) && !isTemplate => "must be true or false",
            BlockOptionType.Object when kind != JsonValueKind.Object && !isTemplate => "must be a map",
            BlockOptionType.Array when kind != JsonValueKind.Array && !isTemplate => "must be a list",
            BlockOptionType.Block when kind != JsonValueKind.Object => "must be one block: a map with 'type' and its options",
            _ => null,
        };
    }

    private static JsonObject SchemaOf(BlockOptionAttribute option)
    {
        var schema = option.Type switch
        {
            BlockOptionType.Number => new JsonObject { ["type"] = "number" },
            BlockOptionType.Integer => new JsonObject { ["type"] = "integer" },
            BlockOptionType.Boolean => new JsonObject { ["type"] = "boolean" },
            BlockOptionType.Object => new JsonObject { ["type"] = "object" },
            BlockOptionType.Array => new JsonObject { ["type"] = "array" },
            BlockOptionType.Block => new JsonObject { ["type"] = "object", ["required"] = new JsonArray("type") },
            BlockOptionType.Any => [],
            _ => new JsonObject { ["type"] = "string" },
        };
        if (!double.IsNaN(option.Minimum))
        {
            schema["minimum"] = option.Minimum;
        }

        if (!double.IsNaN(option.Maximum))
        {
            schema["maximum"] = option.Maximum;
        }

        if (option.Values is { } values)
        {
            schema["enum"] = new JsonArray([.. values.Select(v => (JsonNode)v)]);
        }

        if (option.AllowsTemplate && schema["type"] is JsonValue type && type.GetValue<string>() != "string")
        {
            schema["type"] = new JsonArray(type.GetValue<string>(), "string");
        }

        if (option.Description.Length > 0)
        {
            schema["description"] = option.Description;
        }

        schema["x-workflows-kind"] = JsonNamingPolicy.CamelCase.ConvertName(option.Type.ToString());
        return schema;
    }
}
