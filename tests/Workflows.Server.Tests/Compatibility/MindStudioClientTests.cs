using System.Diagnostics;
using System.Text.Json.Nodes;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Compatibility;

/// <summary>
/// The apps dialect's official npm client (`mindstudio`, pinned in npm/package.json and installed by
/// scripts/test.sh) works against this server unchanged, given only its base URL.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class MindStudioClientTests(ServerFixture server) : IDisposable
{
    private static readonly string NpmDir = Path.Combine(ServerFixture.RepoRoot(), "tests", "Workflows.Server.Tests", "npm");
    private static readonly string Cli = Path.Combine(NpmDir, "node_modules", "mindstudio", "dist", "src", "cli", "index.js");
    private readonly string _workDir = Directory.CreateTempSubdirectory("mindstudio-").FullName;

    private string BaseUrl => server.RestUrl + "/developer/v2";

    [Fact]
    public async Task List_WithBaseUrl_ShowsAppsWorkflowsAndVariables()
    {
        var output = await NodeAsync(Cli, "list", "--base-url", BaseUrl, "--key", server.AdminToken);

        Assert.Contains("Blog Writer", output, StringComparison.Ordinal);
        Assert.Contains("workers.BlogWriter.writeAPost({ topic, tone })", output, StringComparison.Ordinal);
        Assert.Contains("workers.Digest.digestAText({ text, words })", output, StringComparison.Ordinal);
        Assert.Contains("Returns: { title, summary, stats }", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DirectAndTyped_ReturnsResultThreadIdAndCost()
    {
        var sync = await NodeAsync(Cli, "sync", "--base-url", BaseUrl, "--key", server.AdminToken);
        Assert.Contains("Success!", sync, StringComparison.Ordinal);

        var output = await NodeAsync(Path.Combine(NpmDir, "client-check.js"), BaseUrl);
        var report = JsonNode.Parse(output.Trim().Split('\n')[^1])!;

        Assert.Equal("ASSISTANT WILL WRITE A FRIENDLY POST ABOUT: OTTERS", (string?)report["direct"]!["result"]);
        Assert.True(Guid.TryParse((string?)report["direct"]!["threadId"], out _));
        Assert.Equal("0", (string?)report["direct"]!["billingCost"]);
        Assert.Equal("ASSISTANT WILL WRITE A CALM POST ABOUT: BADGERS", (string?)report["typed"]!["result"]);
        Assert.Equal("MindStudioError", (string?)report["error"]!["name"]);
        Assert.Equal(404, (int?)report["error"]!["status"]);
        Assert.Contains("no-such-app", (string?)report["error"]!["message"], StringComparison.Ordinal);
    }

    private async Task<string> NodeAsync(params string[] args)
    {
        Assert.True(File.Exists(Cli), $"the mindstudio client is not installed: run 'npm ci --prefix {NpmDir}' (scripts/test.sh does)");
        var start = new ProcessStartInfo("node") { WorkingDirectory = _workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["MINDSTUDIO_KEY"] = server.AdminToken;
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"node {string.Join(' ', args)} exited {process.ExitCode}: {output} {await stderr}");
        return output;
    }

    public void Dispose() => Directory.Delete(_workDir, recursive: true);
}
