namespace Workflows.Server.Hosting;

/// <summary>The resolved, absolute data and apps folders.</summary>
/// <param name="DataDir">The data folder (SQLite file, keys, files).</param>
/// <param name="AppsDir">The apps folder.</param>
public sealed record DataPaths(string DataDir, string AppsDir)
{
    /// <summary>The SQLite database file.</summary>
    public string DatabasePath => Path.Combine(DataDir, "workflows.db");

    /// <summary>Resolves <c>Workflows:DataDir</c> and <c>Workflows:AppsDir</c> against the content root.</summary>
    public static DataPaths From(WorkflowsOptions options, IHostEnvironment environment) =>
        new(Path.GetFullPath(options.DataDir, environment.ContentRootPath), Path.GetFullPath(options.AppsDir, environment.ContentRootPath));
}
