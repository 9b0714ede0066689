using System.Text;
using YamlDotNet.RepresentationModel;

namespace Workflows.Engine.Definitions.Internal;

/// <summary>The fields of an <c>app.yaml</c>, with defaults applied.</summary>
internal sealed record AppManifest(string Id, string OrganizationId, string Name, string Slug, string Description)
{
    /// <summary>The schedules it declares.</summary>
    public IReadOnlyList<ScheduleManifest.Entry> Schedules { get; init; } = [];

    /// <summary>The default budget of its jobs (<c>budget:</c>), or null.</summary>
    public Jobs.JobBudget? Budget { get; init; }

    /// <summary>Whether its workflows are offered as MCP tools (<c>mcp: true</c>).</summary>
    public bool Mcp { get; init; }

    /// <summary>The organisation of a folder app that names none.</summary>
    public const string DefaultOrganization = "default";

    private const int MaxIdLength = 200;

    private static readonly string[] Keys = ["id", "name", "slug", "description", "org", "schedules", "budget", "mcp"];

    /// <summary>Reads <c>app.yaml</c> text; <paramref name="folderName"/> is the default id.</summary>
    public static AppManifest Read(string file, string folderName, string text)
    {
        var root = YamlDocument.Load(file, text);
        var fields = new Dictionary<string, (string Value, int Line)>(StringComparer.Ordinal);
        YamlNode? schedules = null;
        Jobs.JobBudget? budget = null;
        var mcp = false;
        if (root is not null && !YamlDocument.IsNull(root))
        {
            if (root is not YamlMappingNode mapping)
            {
                throw new DefinitionException(file, YamlDocument.LineOf(root), "expected a mapping (id, name, slug, description, org, schedules, budget, mcp)");
            }

            foreach (var (keyNode, value) in mapping.Children)
            {
                var key = YamlDocument.KeyText(file, keyNode);
                if (!Keys.Contains(key, StringComparer.Ordinal))
                {
                    throw new DefinitionException(file, YamlDocument.LineOf(keyNode),
                        $"unknown key '{key}' (expected one of: {string.Join(", ", Keys)})");
                }

                if (YamlDocument.IsNull(value))
                {
                    continue;
                }

                if (key == "budget")
                {
                    budget = ReadBudget(file, value);
                    continue;
                }

                if (key == "mcp")
                {
                    mcp = YamlDocument.Flag(file, value, "mcp");
                    continue;
                }

                if (key == "schedules")
                {
                    schedules = value;
                    continue;
                }

                // Scalars are taken as written: "id: 123" is the id "123".
                fields[key] = value is YamlScalarNode scalar
                    ? ((scalar.Value ?? "").Trim(), YamlDocument.LineOf(value))
                    : throw new DefinitionException(file, YamlDocument.LineOf(value), $"'{key}' must be text");
            }
        }

        string? Field(string key) => fields.TryGetValue(key, out var f) && f.Value.Length > 0 ? f.Value : null;
        int LineOf(string key) => fields.TryGetValue(key, out var f) ? f.Line : 1;

        var id = Field("id") ?? folderName;
        CheckId(file, LineOf("id"), "id", id);
        var org = Field("org") ?? DefaultOrganization;
        CheckId(file, LineOf("org"), "org", org);
        return new AppManifest(id, org, Field("name") ?? id, Field("slug") ?? SlugOf(id), Field("description") ?? "")
        {
            Schedules = schedules is null ? [] : ScheduleManifest.Read(file, id, schedules),
            Budget = budget,
            Mcp = mcp,
        };
    }

    // budget: { maxCost: "0.50", maxTokens: 20000 }; a mistake names the field (budget.maxCost) and its line.
    private static Jobs.JobBudget? ReadBudget(string file, YamlNode node)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw new DefinitionException(file, YamlDocument.LineOf(node), "budget: expected a mapping (maxCost, maxTokens)");
        }

        string? maxCost = null;
        string? maxTokens = null;
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = YamlDocument.KeyText(file, keyNode);
            if (key is not ("maxCost" or "maxTokens"))
            {
                throw new DefinitionException(file, YamlDocument.LineOf(keyNode), $"budget: unknown key '{key}' (expected maxCost, maxTokens)");
            }

            var text = value is YamlScalarNode scalar
                ? scalar.Value
                : throw new DefinitionException(file, YamlDocument.LineOf(value), $"budget.{key}: expected a number");
            if (key == "maxCost")
            {
                maxCost = text;
            }
            else
            {
                maxTokens = text;
            }
        }

        try
        {
            return Jobs.JobBudget.Parse(maxCost, maxTokens, "budget");
        }
        catch (FormatException e)
        {
            throw new DefinitionException(file, YamlDocument.LineOf(node), e.Message);
        }
    }

    /// <summary>Refuses ids that cannot travel in a URL path segment or a log line.</summary>
    public static void CheckId(string file, int line, string what, string value)
    {
        if (value.Length == 0 || value.Length > MaxIdLength || value.Any(c => char.IsControl(c) || c is '/' or '\\')
            || value != value.Trim())
        {
            throw new DefinitionException(file, line,
                $"{what} '{value}' is invalid (1 to {MaxIdLength} characters, no '/', '\\', control characters or surrounding spaces)");
        }
    }

    /// <summary>The id lowercased, every run of other characters than ASCII letters and digits turned into one '-'.</summary>
    public static string SlugOf(string id)
    {
        var slug = new StringBuilder(id.Length);
        foreach (var c in id.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        var text = slug.ToString().TrimEnd('-');
        return text.Length > 0 ? text : "app";
    }
}
