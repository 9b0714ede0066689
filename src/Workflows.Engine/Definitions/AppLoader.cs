using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions.Internal;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Definitions;

/// <summary>Builds <see cref="AppDefinition"/>s from an app folder or a stored app; all or nothing.</summary>
public static partial class AppLoader
{
    private const string FlowExtension = ".flow";

    private static readonly string[] ManifestNames = ["app.yaml", "app.yml"];

    /// <summary>Loads <c>app.yaml</c> and every <c>NAME.flow</c> of a folder.</summary>
    public static AppDefinition LoadFolder(string directory, BlockRegistry blocks)
    {
        var folder = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        var manifestPath = ManifestNames.Select(n => Path.Combine(directory, n)).FirstOrDefault(File.Exists)
                           ?? throw new DefinitionException($"{folder}/app.yaml", 0, "app.yaml is missing");
        var manifestFile = $"{folder}/{Path.GetFileName(manifestPath)}";
        var manifest = AppManifest.Read(manifestFile, folder, ReadText(manifestFile, manifestPath));

        var workflows = ImmutableSortedDictionary.CreateBuilder<string, WorkflowDefinition>(StringComparer.Ordinal);
        var flowPaths = Directory.EnumerateFiles(directory)
            .Where(p => Path.GetExtension(p).Equals(FlowExtension, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        foreach (var path in flowPaths)
        {
            var name = Path.GetFileNameWithoutExtension(path);
            var file = $"{folder}/{Path.GetFileName(path)}";
            CheckWorkflowName(file, name);
            workflows[name] = WorkflowParser.Parse(file, name, ReadText(file, path), blocks);
        }

        if (workflows.Count == 0)
        {
            throw new DefinitionException(folder, 0, $"the app has no workflows (expected at least one NAME{FlowExtension} file)");
        }

        ScheduleManifest.CheckWorkflows(manifestFile, manifest.Schedules, workflows);
        return new AppDefinition
        {
            Id = manifest.Id,
            OrganizationId = manifest.OrganizationId,
            Name = manifest.Name,
            Slug = manifest.Slug,
            Description = manifest.Description,
            Workflows = workflows.ToImmutable(),
            Schedules = manifest.Schedules.Select(s => s.Declaration).ToList(),
            Budget = manifest.Budget,
            Mcp = manifest.Mcp,
            Source = "folder",
        };
    }

    /// <summary>Validates a stored (API) app.</summary>
    public static AppDefinition FromStored(StoredApp app, BlockRegistry blocks)
    {
        var appFile = app.Id;
        AppManifest.CheckId(appFile, 0, "app id", app.Id);
        AppManifest.CheckId(appFile, 0, "organization id", app.OrganizationId);
        if (app.Workflows.Count == 0)
        {
            throw new DefinitionException(appFile, 0, "the app has no workflows (at least one is required)");
        }

        var workflows = ImmutableSortedDictionary.CreateBuilder<string, WorkflowDefinition>(StringComparer.Ordinal);
        foreach (var (name, source) in app.Workflows.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            var file = $"{app.Id}/{name}{FlowExtension}";
            CheckWorkflowName(file, name);
            workflows[name] = WorkflowParser.Parse(file, name, source ?? "", blocks);
        }

        return new AppDefinition
        {
            Id = app.Id,
            OrganizationId = app.OrganizationId,
            Name = string.IsNullOrWhiteSpace(app.Name) ? app.Id : app.Name,
            Slug = string.IsNullOrWhiteSpace(app.Slug) ? AppManifest.SlugOf(app.Id) : app.Slug,
            Description = app.Description ?? "",
            Workflows = workflows.ToImmutable(),
            Source = "api",
        };
    }

    private static void CheckWorkflowName(string file, string name)
    {
        if (!WorkflowName().IsMatch(name))
        {
            throw new DefinitionException(file, 0,
                $"workflow name '{name}' is invalid (1 to 100 letters, digits, '_' or '-')");
        }
    }

    private static string ReadText(string file, string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DefinitionException(file, 0, $"cannot read the file: {e.Message}");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,100}$")]
    private static partial Regex WorkflowName();
}
