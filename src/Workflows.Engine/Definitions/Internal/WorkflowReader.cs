using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workflows.Engine.Blocks;
using YamlDotNet.RepresentationModel;

namespace Workflows.Engine.Definitions.Internal;

/// <summary>Reads and validates one <c>.flow</c> file; see <see cref="WorkflowParser"/>.</summary>
internal static partial class WorkflowReader
{
    /// <summary>The id a block may not take: templates use it for launch variables.</summary>
    public const string ReservedId = "launchVariables";

    private const int MaxBlocks = 1_000;

    private static readonly string[] TopLevelKeys = ["name", "description", "launchVariables", "blocks", "mcp"];
    private static readonly string[] VariableKeys = ["type", "required", "default", "description"];

    public static WorkflowDefinition Read(string file, string name, string text, BlockRegistry registry)
    {
        var root = YamlDocument.Load(file, text) ?? throw new DefinitionException(file, 1, "the file is empty; expected 'blocks:'");
        if (root is not YamlMappingNode top)
        {
            throw new DefinitionException(file, YamlDocument.LineOf(root), "expected a mapping with 'blocks:' at the top of the file");
        }

        string? title = null;
        var description = "";
        var mcp = true;
        IReadOnlyList<LaunchVariableDefinition> variables = [];
        List<ParsedBlock>? blocks = null;
        foreach (var (keyNode, value) in top.Children)
        {
            var key = YamlDocument.KeyText(file, keyNode);
            switch (key)
            {
                case "name":
                    title = Text(file, value, "name");
                    break;
                case "description":
                    description = Text(file, value, "description") ?? "";
                    break;
                case "launchVariables":
                    variables = ReadVariables(file, value);
                    break;
                case "mcp":
                    mcp = YamlDocument.Flag(file, value, "mcp");
                    break;
                case "blocks":
                    blocks = ReadBlocks(file, value, registry);
                    break;
                default:
                    throw new DefinitionException(file, YamlDocument.LineOf(keyNode),
                        $"unknown key '{key}' (expected one of: {string.Join(", ", TopLevelKeys)})");
            }
        }

        if (blocks is null)
        {
            throw new DefinitionException(file, YamlDocument.LineOf(top), "'blocks:' is missing; a workflow needs at least one block");
        }

        var definitions = blocks.Select(b => b.Definition).ToList();
        var graph = CheckGraph(file, blocks, definitions);
        var workflow = new WorkflowDefinition
        {
            Name = name,
            Title = string.IsNullOrWhiteSpace(title) ? name : title,
            Description = description,
            LaunchVariables = variables,
            Mcp = mcp,
            Blocks = definitions,
            OutputVariables = OutputVariables(definitions, registry),
            Source = text,
        };
        ValidateBlocks(file, workflow, graph, registry);
        return workflow;
    }

    private static List<LaunchVariableDefinition> ReadVariables(string file, YamlNode node)
    {
        var result = new List<LaunchVariableDefinition>();
        if (YamlDocument.IsNull(node))
        {
            return result;
        }

        if (node is not YamlMappingNode mapping)
        {
            throw new DefinitionException(file, YamlDocument.LineOf(node),
                "'launchVariables' must be a mapping of NAME: { type, required, default, description }");
        }

        foreach (var (keyNode, value) in mapping.Children)
        {
            var name = YamlDocument.KeyText(file, keyNode);
            var line = YamlDocument.LineOf(keyNode);
            if (!VariableName().IsMatch(name))
            {
                throw new DefinitionException(file, line,
                    $"launch variable name '{name}' is invalid (letters, digits, '_' and '-', starting with a letter or '_')");
            }

            result.Add(ReadVariable(file, name, line, value));
        }

        return result;
    }

    private static LaunchVariableDefinition ReadVariable(string file, string name, int line, YamlNode node)
    {
        var type = "string";
        var required = false;
        JsonNode? defaultValue = null;
        var description = "";
        var typeLine = line;
        var defaultLine = line;
        if (node is YamlScalarNode && !YamlDocument.IsNull(node))
        {
            // Shorthand: "topic: string".
            type = Text(file, node, $"launch variable '{name}'") ?? type;
        }
        else if (node is YamlMappingNode mapping)
        {
            foreach (var (keyNode, value) in mapping.Children)
            {
                var key = YamlDocument.KeyText(file, keyNode);
                switch (key)
                {
                    case "type":
                        type = Text(file, value, $"launch variable '{name}': type") ?? type;
                        typeLine = YamlDocument.LineOf(value);
                        break;
                    case "required":
                        required = YamlDocument.ToJson(file, value) switch
                        {
                            null => false,
                            JsonValue v when v.TryGetValue<bool>(out var b) => b,
                            _ => throw new DefinitionException(file, YamlDocument.LineOf(value),
                                $"launch variable '{name}': 'required' must be true or false"),
                        };
                        break;
                    case "default":
                        defaultValue = YamlDocument.ToJson(file, value);
                        defaultLine = YamlDocument.LineOf(value);
                        break;
                    case "description":
                        description = Text(file, value, $"launch variable '{name}': description") ?? "";
                        break;
                    default:
                        throw new DefinitionException(file, YamlDocument.LineOf(keyNode),
                            $"launch variable '{name}': unknown key '{key}' (expected one of: {string.Join(", ", VariableKeys)})");
                }
            }
        }
        else if (!YamlDocument.IsNull(node))
        {
            throw new DefinitionException(file, YamlDocument.LineOf(node),
                $"launch variable '{name}' must be a type name or a mapping {{ type, required, default, description }}");
        }

        if (!LaunchVariableTypes.All.Contains(type))
        {
            throw new DefinitionException(file, typeLine,
                $"launch variable '{name}': unknown type '{type}' (expected one of: {string.Join(", ", LaunchVariableTypes.All)})");
        }

        if (defaultValue is not null)
        {
            if (!LaunchVariableCoercion.TryCoerce(type, defaultValue, out var coerced, out var expected))
            {
                throw new DefinitionException(file, defaultLine,
                    $"launch variable '{name}': the default must be {expected}, got {LaunchVariableCoercion.Describe(defaultValue)}");
            }

            defaultValue = coerced;
        }

        return new LaunchVariableDefinition(name, type, required, defaultValue, description);
    }

    private static List<ParsedBlock> ReadBlocks(string file, YamlNode node, BlockRegistry registry)
    {
        if (node is not YamlSequenceNode sequence)
        {
            throw new DefinitionException(file, YamlDocument.LineOf(node), "'blocks' must be a list of blocks (- id: …, type: …)");
        }

        if (sequence.Children.Count == 0)
        {
            throw new DefinitionException(file, YamlDocument.LineOf(node), "'blocks' is empty; a workflow needs at least one block");
        }

        if (sequence.Children.Count > MaxBlocks)
        {
            throw new DefinitionException(file, YamlDocument.LineOf(node), $"too many blocks ({sequence.Children.Count}; at most {MaxBlocks})");
        }

        var blocks = new List<ParsedBlock>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in sequence.Children)
        {
            var block = ReadBlock(file, item, registry);
            if (seen.TryGetValue(block.Definition.Id, out var firstLine))
            {
                throw new DefinitionException(file, block.IdLine,
                    $"duplicate block id '{block.Definition.Id}' (first used on line {firstLine})");
            }

            seen[block.Definition.Id] = block.Definition.Line;
            blocks.Add(block);
        }

        return blocks;
    }

    private static ParsedBlock ReadBlock(string file, YamlNode node, BlockRegistry registry)
    {
        var line = YamlDocument.LineOf(node);
        if (node is not YamlMappingNode mapping)
        {
            throw new DefinitionException(file, line, "each block must be a mapping with at least 'id' and 'type'");
        }

        string? id = null;
        string? type = null;
        var idLine = line;
        List<(string Id, int Line)>? after = null;
        var afterLine = line;
        var parameters = new JsonObject();
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = YamlDocument.KeyText(file, keyNode);
            switch (key)
            {
                case "id":
                    id = Text(file, value, "block id");
                    idLine = YamlDocument.LineOf(value);
                    break;
                case "type":
                    type = Text(file, value, "block type");
                    if (type is not null && !registry.TryGet(type, out _))
                    {
                        var known = registry.TypeNames.Count == 0
                            ? "no block types are registered"
                            : $"known types: {string.Join(", ", registry.TypeNames.Order(StringComparer.Ordinal))}";
                        throw new DefinitionException(file, YamlDocument.LineOf(value), $"unknown block type '{type}' ({known})");
                    }

                    break;
                case "after":
                    after = ReadAfter(file, value);
                    afterLine = YamlDocument.LineOf(keyNode);
                    break;
                default:
                    parameters[key] = YamlDocument.ToJson(file, value);
                    break;
            }
        }

        if (string.IsNullOrEmpty(id))
        {
            throw new DefinitionException(file, line, "block has no 'id'");
        }

        if (!BlockId().IsMatch(id))
        {
            throw new DefinitionException(file, idLine,
                $"block id '{id}' is invalid (letters, digits and '_', not starting with a digit)");
        }

        if (id == ReservedId)
        {
            throw new DefinitionException(file, idLine, $"block id '{ReservedId}' is reserved");
        }

        if (string.IsNullOrEmpty(type))
        {
            throw new DefinitionException(file, line, $"block '{id}' has no 'type'");
        }

        var definition = new BlockDefinition(id, type, after?.Select(a => a.Id).ToList(), parameters, line);
        return new ParsedBlock(definition, idLine, after ?? [], afterLine);
    }

    private static List<(string Id, int Line)>? ReadAfter(string file, YamlNode node)
    {
        if (YamlDocument.IsNull(node))
        {
            return null;
        }

        var items = node is YamlSequenceNode sequence ? sequence.Children : [node];
        var result = new List<(string, int)>();
        foreach (var item in items)
        {
            if (item is not YamlScalarNode || YamlDocument.IsNull(item))
            {
                throw new DefinitionException(file, YamlDocument.LineOf(item), "'after' must be a block id or a list of block ids");
            }

            var id = Text(file, item, "after")!;
            if (!result.Exists(r => r.Item1 == id))
            {
                result.Add((id, YamlDocument.LineOf(item)));
            }
        }

        return result;
    }

    private static BlockGraph CheckGraph(string file, List<ParsedBlock> blocks, List<BlockDefinition> definitions)
    {
        var ids = blocks.Select(b => b.Definition.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var block in blocks)
        {
            foreach (var (dependency, line) in block.After)
            {
                if (dependency == block.Definition.Id)
                {
                    throw new DefinitionException(file, line, $"block '{dependency}' cannot wait for itself");
                }

                if (!ids.Contains(dependency))
                {
                    throw new DefinitionException(file, line, $"block '{block.Definition.Id}' waits for unknown block '{dependency}'");
                }
            }
        }

        var graph = new BlockGraph(definitions);
        if (graph.FindCycle() is { } cycle)
        {
            // Only explicit 'after' lists can close a cycle; point at the first one in it.
            var culprit = blocks.FirstOrDefault(b => b.Definition.After is not null && cycle.Contains(b.Definition.Id, StringComparer.Ordinal))
                          ?? blocks.First(b => b.Definition.Id == cycle[0]);
            throw new DefinitionException(file, culprit.AfterLine,
                $"blocks wait for each other in a cycle: {string.Join(" → ", cycle)}");
        }

        return graph;
    }

    private static List<string> OutputVariables(List<BlockDefinition> blocks, BlockRegistry registry)
    {
        var keys = new List<string>();
        foreach (var block in blocks)
        {
            if (registry.TryGet(block.Type, out var implementation))
            {
                keys.AddRange(implementation.OutputVariables(block).Where(k => !keys.Contains(k, StringComparer.Ordinal)));
            }
        }

        return keys;
    }

    private static void ValidateBlocks(string file, WorkflowDefinition workflow, BlockGraph graph, BlockRegistry registry)
    {
        var variableNames = workflow.LaunchVariables.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var allIds = workflow.Blocks.Select(b => b.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var block in workflow.Blocks)
        {
            registry.TryGet(block.Type, out var implementation);
            registry.TryDescribe(block.Type, out var descriptor);
            var context = new BlockValidationContext(file, block, variableNames, graph.UpstreamOf(block.Id), allIds, registry, graph.UpstreamOf);
            if (block.Parameters.ContainsKey(BlockDefinition.TimeoutParameter) && block.Timeout is null)
            {
                // Every block type accepts it; the executor enforces it.
                context.Error($"'{BlockDefinition.TimeoutParameter}' must be a positive duration such as 500ms, 30s, 5m or PT5M");
            }

            descriptor!.ValidateOptions(context);
            try
            {
                implementation!.Validate(context);
            }
            catch (DefinitionException)
            {
                throw;
            }
            catch (Exception e)
            {
                // A block that throws anything else still refuses the definition, with a position.
                throw new DefinitionException(file, block.Line, $"block '{block.Id}': {e.Message}");
            }
        }
    }

    private static string? Text(string file, YamlNode node, string what)
    {
        if (YamlDocument.IsNull(node))
        {
            return null;
        }

        return node is YamlScalarNode scalar
            ? scalar.Value ?? ""
            : throw new DefinitionException(file, YamlDocument.LineOf(node), $"{what} must be text");
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex BlockId();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex VariableName();

    private sealed record ParsedBlock(BlockDefinition Definition, int IdLine, IReadOnlyList<(string Id, int Line)> After, int AfterLine);
}
