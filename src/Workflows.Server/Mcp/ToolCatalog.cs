using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Workflows.Engine.Apps;
using Workflows.Engine.Definitions;
using Workflows.Server.Auth;

namespace Workflows.Server.Mcp;

/// <summary>One workflow offered as an MCP tool.</summary>
internal sealed record WorkflowTool(Tool Tool, AppDefinition App, WorkflowDefinition Workflow)
{
    /// <summary>Whether the tool answers with <c>structuredContent</c>: the workflow has several output variables.</summary>
    public bool Structured => Workflow.OutputVariables.Count > 0;
}

/// <summary>
/// The tools a caller sees: one per workflow of an app that opts in (<c>mcp: true</c>) and that the token may run,
/// unless the workflow opts out (<c>mcp: false</c>). Built from the catalog on each request, so any node answers the
/// same and a changed app shows at once.
/// </summary>
internal sealed class ToolCatalog(IAppCatalog catalog)
{
    public IReadOnlyList<WorkflowTool> For(Caller caller)
    {
        var tools = new List<WorkflowTool>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var app in catalog.ListApps(caller.OrganizationId).Where(a => a.Mcp && caller.CanUseApp(a.Id)).OrderBy(a => a.Id, StringComparer.Ordinal))
        {
            foreach (var workflow in app.Workflows.Values.Where(w => w.Mcp))
            {
                var name = ToolName(app, workflow);
                // Two apps with one slug would give two tools one name: the first (by app id) keeps it.
                if (names.Add(name))
                {
                    tools.Add(new WorkflowTool(Describe(name, app, workflow), app, workflow));
                }
            }
        }

        return tools;
    }

    /// <summary>The app slug for <c>main</c>, <c>{slug}_{workflow}</c> otherwise; characters outside <c>[A-Za-z0-9_-]</c> become <c>_</c>.</summary>
    public static string ToolName(AppDefinition app, WorkflowDefinition workflow)
    {
        var raw = workflow.Name == AppDefinition.DefaultWorkflow ? app.Slug : $"{app.Slug}_{workflow.Name}";
        var name = new StringBuilder(raw.Length);
        foreach (var c in raw)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        }

        return name.ToString();
    }

    private static Tool Describe(string name, AppDefinition app, WorkflowDefinition workflow)
    {
        var description = string.Join(
            "\n\n",
            new[] { app.Description, workflow.Title == workflow.Name ? "" : workflow.Title, workflow.Description }
                .Select(d => d.Trim())
                .Where(d => d.Length > 0)
                .Distinct(StringComparer.Ordinal));
        return new Tool
        {
            Name = name,
            Title = workflow.Name == AppDefinition.DefaultWorkflow ? app.Name : $"{app.Name}: {workflow.Title}",
            Description = description.Length > 0 ? description : app.Name,
            InputSchema = JsonSerializer.SerializeToElement(InputSchema(workflow), McpJson.Node),
            OutputSchema = workflow.OutputVariables.Count > 0
                ? JsonSerializer.SerializeToElement(OutputSchema(workflow), McpJson.Node)
                : null,
        };
    }

    /// <summary>A JSON Schema object with one property per launch variable (type, description, default) and the required ones.</summary>
    public static JsonObject InputSchema(WorkflowDefinition workflow)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var variable in workflow.LaunchVariables)
        {
            var property = TypeSchema(variable.Type);
            if (variable.Description.Length > 0)
            {
                property["description"] = variable.Description;
            }

            if (variable.Default is not null)
            {
                property["default"] = variable.Default.DeepClone();
            }

            properties[variable.Name] = property;
            if (variable.Required)
            {
                required.Add(variable.Name);
            }
        }

        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
        if (required.Count > 0)
        {
            schema["required"] = required;
        }

        return schema;
    }

    private static JsonObject OutputSchema(WorkflowDefinition workflow)
    {
        var properties = new JsonObject();
        foreach (var output in workflow.OutputVariables)
        {
            properties[output] = new JsonObject();
        }

        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = new JsonArray([.. workflow.OutputVariables.Select(o => (JsonNode)JsonValue.Create(o))]),
        };
    }

    private static JsonObject TypeSchema(string type) => type switch
    {
        "string" or "number" or "integer" or "boolean" or "object" or "array" => new JsonObject { ["type"] = type },
        "any" => [],
        // Files travel as text: a URL, a data: URL or base64, as in the REST dialects.
        _ => new JsonObject { ["type"] = "string", ["format"] = "uri-reference", ["x-workflows-file"] = type },
    };
}
