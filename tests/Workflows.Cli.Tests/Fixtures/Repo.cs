namespace Workflows.Cli.Tests.Fixtures;

/// <summary>Paths in the repository the tests run from (the test output is tests/PROJECT/bin/CONFIG/TFM).</summary>
public static class Repo
{
    public static string Root { get; } = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Parent!.Parent!.Parent!.Parent!.FullName;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>Debian's python3 (where apt installs python3-grpcio), else the one on the PATH.</summary>
    public static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}
