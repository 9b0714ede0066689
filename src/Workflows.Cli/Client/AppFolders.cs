using Microsoft.Extensions.DependencyInjection;
using Workflows.Blocks;
using Workflows.Engine;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;

namespace Workflows.Cli.Client;

/// <summary>
/// Reads app folders with the server's own reader (<see cref="AppLoader"/>, <see cref="WorkflowParser"/>) and the
/// built-in blocks' registry, so a folder that passes here loads on the server (unless it uses blocks the server adds).
/// </summary>
public static class AppFolders
{
    private static readonly Lazy<BlockRegistry> Blocks = new(() =>
        new ServiceCollection().AddLogging().AddWorkflowEngine().AddWorkflowBlocks().BuildServiceProvider().GetRequiredService<BlockRegistry>());

    /// <summary>One problem: where and what.</summary>
    public sealed record Problem(string File, int Line, int Column, string Message)
    {
        /// <summary><c>FILE:LINE:COL: message</c> (line and column 1 when the reader names none).</summary>
        public override string ToString() => $"{File}:{Math.Max(Line, 1)}:{Math.Max(Column, 1)}: {Message}";
    }

    /// <summary>The app folders under <paramref name="directory"/>: itself when it holds an app.yaml, else its
    /// subfolders that do.</summary>
    /// <exception cref="CliException">No such folder, or no app in it (exit code 2).</exception>
    public static IReadOnlyList<string> Find(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new CliException(ExitCodes.Usage, $"no such folder: {directory}");
        }

        if (IsApp(directory))
        {
            return [directory];
        }

        var apps = Directory.EnumerateDirectories(directory).Where(IsApp).Order(StringComparer.Ordinal).ToList();
        return apps.Count > 0
            ? apps
            : throw new CliException(ExitCodes.Usage, $"{directory} holds no app (an app is a folder with app.yaml and NAME.flow files)");
    }

    /// <summary>Loads one app folder; returns the app, or null and every problem found. Each <c>.flow</c> file is read
    /// on its own first, so one run reports a problem in each bad file; then the whole app as the server loads it.</summary>
    public static AppDefinition? Load(string appDirectory, List<Problem> problems)
    {
        var shownParent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(appDirectory)) ?? "";
        var before = problems.Count;
        foreach (var path in Directory.EnumerateFiles(appDirectory, "*.flow").Order(StringComparer.Ordinal))
        {
            var file = $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(appDirectory)))}/{Path.GetFileName(path)}";
            try
            {
                WorkflowParser.Parse(file, Path.GetFileNameWithoutExtension(path), File.ReadAllText(path), Blocks.Value);
            }
            catch (DefinitionException e)
            {
                problems.Add(ToProblem(e, shownParent));
            }
        }

        try
        {
            var app = AppLoader.LoadFolder(appDirectory, Blocks.Value);
            return problems.Count == before ? app : null;
        }
        catch (DefinitionException e)
        {
            var problem = ToProblem(e, shownParent);
            if (!problems.Skip(before).Contains(problem))
            {
                problems.Add(problem);
            }

            return null;
        }
    }

    private static bool IsApp(string directory) =>
        File.Exists(Path.Combine(directory, "app.yaml")) || File.Exists(Path.Combine(directory, "app.yml"));

    private static Problem ToProblem(DefinitionException e, string shownParent) =>
        new(string.IsNullOrEmpty(e.File) ? shownParent : Path.Combine(shownParent, e.File), e.Line, e.Column, e.Reason);
}
