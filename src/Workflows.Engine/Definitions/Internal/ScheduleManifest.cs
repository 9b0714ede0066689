using System.Globalization;
using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Engine.Schedules;
using YamlDotNet.RepresentationModel;

namespace Workflows.Engine.Definitions.Internal;

/// <summary>
/// Reads the <c>schedules:</c> list of an <c>app.yaml</c>. A mistake is refused with the line and the field, such as
/// <c>schedules[0].cron</c>, and the whole app with it.
/// </summary>
internal static class ScheduleManifest
{
    private static readonly string[] Keys = ["id", "workflow", "cron", "timeZone", "variables", "overlap", "catchupWindow", "paused"];

    /// <summary>A schedule as declared, with the line it starts on.</summary>
    public sealed record Entry(ScheduleDeclaration Declaration, int Line);

    public static IReadOnlyList<Entry> Read(string file, string appId, YamlNode node)
    {
        if (YamlDocument.IsNull(node))
        {
            return [];
        }

        if (node is not YamlSequenceNode sequence)
        {
            throw new DefinitionException(file, YamlDocument.LineOf(node), "'schedules' must be a list of schedules");
        }

        var entries = new List<Entry>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var entry = ReadOne(file, appId, $"schedules[{i}]", sequence.Children[i]);
            if (!ids.Add(entry.Declaration.Id))
            {
                throw new DefinitionException(file, entry.Line, $"schedules[{i}].id: '{entry.Declaration.Id}' is declared twice");
            }

            entries.Add(entry);
        }

        return entries;
    }

    private static Entry ReadOne(string file, string appId, string path, YamlNode node)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw new DefinitionException(file, YamlDocument.LineOf(node), $"{path}: expected a mapping ({string.Join(", ", Keys)})");
        }

        var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = YamlDocument.KeyText(file, keyNode);
            if (!Keys.Contains(key, StringComparer.Ordinal))
            {
                throw new DefinitionException(file, YamlDocument.LineOf(keyNode),
                    $"{path}.{key}: unknown field (expected one of: {string.Join(", ", Keys)})");
            }

            if (!YamlDocument.IsNull(value))
            {
                values[key] = value;
            }
        }

        var line = YamlDocument.LineOf(node);
        string? Text(string key) => values.TryGetValue(key, out var v)
            ? v is YamlScalarNode s ? (s.Value ?? "").Trim() : throw Error(v, key, "must be text")
            : null;
        DefinitionException Error(YamlNode at, string key, string reason) => new(file, YamlDocument.LineOf(at), $"{path}.{key}: {reason}");
        YamlNode At(string key) => values.TryGetValue(key, out var v) ? v : node;

        var workflow = Text("workflow") is { Length: > 0 } w ? w : AppDefinition.DefaultWorkflow;
        var id = Text("id") is { Length: > 0 } given ? given : $"{appId}-{workflow}";
        var cron = Text("cron") ?? throw new DefinitionException(file, line, $"{path}.cron: is required");
        var timeZone = Text("timeZone") is { Length: > 0 } zone ? zone : "UTC";
        try
        {
            ScheduleService.CheckId(id);
        }
        catch (EngineException e)
        {
            throw Error(At("id"), "id", e.Message);
        }

        try
        {
            CronSchedule.ParseTimeZone(timeZone);
        }
        catch (EngineException e)
        {
            throw Error(At("timeZone"), "timeZone", e.Message);
        }

        try
        {
            CronSchedule.Parse(cron, timeZone);
        }
        catch (EngineException e)
        {
            throw Error(At("cron"), "cron", e.Message);
        }

        var overlap = ScheduleOverlapNames.TryParse(Text("overlap"))
                      ?? throw Error(At("overlap"), "overlap", $"'{Text("overlap")}' is not one of {string.Join(", ", ScheduleOverlapNames.All)}");
        var catchup = ScheduleService.DefaultCatchupWindow;
        if (Text("catchupWindow") is { } window && (!DurationParser.TryParse(window, out catchup) || catchup > ScheduleService.MaxCatchupWindow))
        {
            throw Error(At("catchupWindow"), "catchupWindow", $"'{window}' is not a duration from 0 to 24h (such as 60s or 5m)");
        }

        var paused = false;
        if (Text("paused") is { } pausedText && !bool.TryParse(pausedText, out paused))
        {
            throw Error(At("paused"), "paused", "must be true or false");
        }

        JsonObject variables = [];
        if (values.TryGetValue("variables", out var variablesNode))
        {
            variables = YamlDocument.ToJson(file, variablesNode) as JsonObject
                        ?? throw Error(variablesNode, "variables", "must be a mapping of launch variables");
        }

        return new Entry(
            new ScheduleDeclaration
            {
                Id = id,
                Workflow = workflow,
                Cron = cron,
                TimeZone = timeZone,
                Variables = variables,
                Overlap = overlap,
                CatchupWindow = catchup,
                Paused = paused,
            },
            line);
    }

    /// <summary>Checks each schedule against the app's workflows and their launch variables.</summary>
    public static void CheckWorkflows(string file, IReadOnlyList<Entry> entries, IReadOnlyDictionary<string, WorkflowDefinition> workflows)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            var (declaration, line) = entries[i];
            if (!workflows.TryGetValue(declaration.Workflow, out var workflow))
            {
                throw new DefinitionException(file, line, string.Create(CultureInfo.InvariantCulture,
                    $"schedules[{i}].workflow: '{declaration.Workflow}' is not a workflow of this app"));
            }

            try
            {
                LaunchVariableBinder.Bind(workflow, declaration.Variables.DeepClone().AsObject());
            }
            catch (LaunchVariableException e)
            {
                throw new DefinitionException(file, line, string.Create(CultureInfo.InvariantCulture, $"schedules[{i}].variables: {e.Message}"));
            }
        }
    }
}
