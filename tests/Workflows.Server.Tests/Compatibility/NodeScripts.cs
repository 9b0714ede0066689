using System.Diagnostics;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Compatibility;

/// <summary>Runs a script of tests/Workflows.Server.Tests/npm with node (its packages installed by scripts/test.sh).</summary>
internal static class NodeScripts
{
    public static readonly string NpmDir = Path.Combine(ServerFixture.RepoRoot(), "tests", "Workflows.Server.Tests", "npm");

    /// <summary>Runs <paramref name="script"/> with <paramref name="arguments"/> and returns its standard output; a non-zero exit fails the test.</summary>
    public static async Task<string> RunAsync(string script, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        Assert.True(
            Directory.Exists(Path.Combine(NpmDir, "node_modules", "@modelcontextprotocol")),
            $"the npm clients are not installed: run 'npm ci --prefix {NpmDir}' (scripts/test.sh does)");
        var start = new ProcessStartInfo("node") { WorkingDirectory = NpmDir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(NpmDir, script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} did not finish in 90 s: {await stdout} {await stderr}");
        }

        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"node {script} exited {process.ExitCode}: {output} {await stderr}");
        return output;
    }
}
