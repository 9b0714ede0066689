using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;

namespace Workflows.Server.Api;

/// <summary>
/// The JSON Schema of a <c>.flow</c> file, built from the registered blocks' metadata
/// (<see cref="BlockDescriptor.OptionsSchema"/>), so editors complete block types and their options and flag unknown
/// ones. Served at <c>/schemas/flow.json</c>; the sample apps point at it with a <c># yaml-language-server:</c> line.
/// </summary>
public static class FlowSchema
{
    /// <summary>Where the schema is served.</summary>
    public const string Path = "/schemas/flow.json";

    /// <summary>The schema for the blocks of <paramref name="blocks"/>.</summary>
    public static JsonObject Build(BlockRegistry blocks)
    {
        var descriptors = blocks.Descriptors.ToList();
        var perType = new JsonArray();
        foreach (var descriptor in descriptors)
        {
            perType.Add(new JsonObject
            {
                ["if"] = new JsonObject
                {
                    ["properties"] = new JsonObject { ["type"] = new JsonObject { ["const"] = descriptor.TypeName } },
                    ["required"] = new JsonArray("type"),
                },
                ["then"] = AllowTemplates(descriptor.OptionsSchema()),
            });
        }

        var variable = new JsonObject
        {
            ["anyOf"] = new JsonArray(
                new JsonObject { ["enum"] = TypeNames() },
                new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = new JsonObject
                    {
                        ["type"] = new JsonObject { ["enum"] = TypeNames(), ["description"] = "The value's type (default string)." },
                        ["required"] = new JsonObject { ["type"] = "boolean", ["description"] = "Whether a run without it is refused." },
                        ["default"] = new JsonObject { ["description"] = "The value used when the caller passes none." },
                        ["description"] = new JsonObject { ["type"] = "string", ["description"] = "What it means." },
                    },
                    ["additionalProperties"] = false,
                }),
        };

        return new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = "Workflows .flow file",
            ["description"] = "A workflow: its name, launch variables and blocks (see README, Apps, and docs/blocks).",
            ["type"] = "object",
            ["required"] = new JsonArray("blocks"),
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject
            {
                ["name"] = new JsonObject { ["type"] = "string", ["description"] = "Display name of the workflow." },
                ["description"] = new JsonObject { ["type"] = "string", ["description"] = "What the workflow does." },
                ["launchVariables"] = new JsonObject
                {
                    ["type"] = "object",
                    ["description"] = "The inputs a run accepts, read in templates as {{$launchVariables->NAME}}.",
                    ["additionalProperties"] = variable,
                },
                ["blocks"] = new JsonObject
                {
                    ["type"] = "array",
                    ["minItems"] = 1,
                    ["description"] = "The blocks, run in order unless `after` says otherwise.",
                    ["items"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["required"] = new JsonArray("id", "type"),
                        ["properties"] = new JsonObject
                        {
                            ["id"] = new JsonObject { ["type"] = "string" },
                            ["type"] = new JsonObject
                            {
                                ["enum"] = new JsonArray([.. descriptors.Select(d => JsonValue.Create(d.TypeName))]),
                                ["description"] = "The block type.",
                            },
                        },
                        ["allOf"] = perType,
                    },
                },
            },
        };
    }

    // Numbers, booleans, maps and lists may also be written as a template string ("{{x}}"); the engine accepts those.
    private static JsonObject AllowTemplates(JsonObject schema)
    {
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, property) in properties.ToList())
            {
                if (name != "type" && property is JsonObject option && option["type"] is JsonValue type
                    && type.GetValue<string>() is "number" or "integer" or "boolean" or "object" or "array")
                {
                    option["type"] = new JsonArray(type.GetValue<string>(), "string");
                }
            }
        }

        return schema;
    }

    private static JsonArray TypeNames() => new([.. LaunchVariableTypes.All.Order(StringComparer.Ordinal).Select(t => JsonValue.Create(t))]);
}
