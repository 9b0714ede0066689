using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workflows.Cli.Tests.Fixtures;

namespace Workflows.Cli.Tests;

/// <summary><c>/openapi.json</c> (every REST path of the protos, their comments, the linter's verdict), <c>/docs</c>
/// and <c>/schemas/flow.json</c>, read anonymously from the test server.</summary>
[Collection(CliServerCollection.Name)]
public sealed partial class ApiDescriptionTests(CliServer server)
{
    [Fact]
    public async Task OpenApi_DescribesEveryHttpRuleOfTheProtos_WithTheirComments()
    {
        var document = await GetJsonAsync("/openapi.json");

        Assert.StartsWith("3.", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        var paths = document["paths"]!.AsObject();
        var rules = Directory.EnumerateFiles(Repo.Path("protos", "workflows", "v1"), "*.proto")
            .SelectMany(f => HttpRule().Matches(File.ReadAllText(f)))
            .Select(m => (Method: m.Groups[1].Value, Path: SnakeParameter().Replace(m.Groups[2].Value, p => ToCamel(p.Value))))
            .ToList();
        Assert.True(rules.Count >= 25, $"only {rules.Count} HTTP rules found");
        foreach (var (method, path) in rules)
        {
            Assert.True(paths[path]?[method] is not null, $"{method.ToUpperInvariant()} {path} is not in /openapi.json");
        }

        var run = paths["/v1/runs"]!["post"]!;
        Assert.Equal("Starts a job and waits for it up to `wait`.", run["summary"]!.GetValue<string>());
        Assert.Contains("so the caller can continue with WatchJob", run["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("WorkflowService_Run", run["operationId"]!.GetValue<string>());
        var waitField = document["components"]!["schemas"]!["RunRequest"]!["properties"]!["wait"]!.ToJsonString();
        Assert.Contains("How long to wait for the result", waitField, StringComparison.Ordinal);
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["bearer"]!["scheme"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenApi_PassesTheRedoclyLinter_WithoutErrors()
    {
        var redocly = Repo.Path("tests", "Workflows.Cli.Tests", "npm", "node_modules", ".bin", "redocly");
        Assert.True(File.Exists(redocly), "the linter is not installed: run `npm ci --prefix tests/Workflows.Cli.Tests/npm` (scripts/test.sh does)");
        var file = Path.Combine(Path.GetTempPath(), $"wf-openapi-{Guid.NewGuid():N}.json");
        using var http = new HttpClient();
        await File.WriteAllTextAsync(file, await http.GetStringAsync(new Uri(server.RestUrl + "/openapi.json")));
        try
        {
            var info = new ProcessStartInfo(redocly) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "lint", file, "--format=stylish" })
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var text = await output + await error;
            Assert.True(process.ExitCode == 0, text);
            Assert.DoesNotContain(" error ", text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Docs_IsServedAnonymously_WithItsScriptFromThisServer()
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.RestUrl) };

        var page = await http.GetStringAsync(new Uri("/docs/", UriKind.Relative));

        Assert.Contains("openapi.json", page, StringComparison.Ordinal);   // resolved against the site root by the page
        var scripts = ScriptSource().Matches(page).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, src => Assert.DoesNotContain("://", src, StringComparison.Ordinal));
        foreach (var src in scripts)
        {
            using var script = await http.GetAsync(new Uri(new Uri(server.RestUrl + "/docs/"), src));
            Assert.True(script.IsSuccessStatusCode, $"{src}: {(int)script.StatusCode}");
        }
    }

    [Fact]
    public async Task FlowSchema_NamesEveryBlockType_AndTheSampleAppsPointAtIt()
    {
        var schema = await GetJsonAsync("/schemas/flow.json");

        var types = schema["properties"]!["blocks"]!["items"]!["properties"]!["type"]!["enum"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
        Assert.Contains("generate_text", types);
        Assert.Contains("wait_for_signal", types);
        var perType = schema["properties"]!["blocks"]!["items"]!["allOf"]!.AsArray();
        Assert.Equal(types.Count, perType.Count);
        var template = perType.Single(t => t!["if"]!["properties"]!["type"]!["const"]!.GetValue<string>() == "template")!["then"]!;
        Assert.Contains("text", template["required"]!.AsArray().Select(r => r!.GetValue<string>()));

        foreach (var flow in Directory.EnumerateFiles(Repo.Path("apps"), "*.flow", SearchOption.AllDirectories))
        {
            var first = File.ReadLines(flow).First();
            Assert.Equal("# yaml-language-server: $schema=http://127.0.0.1:8080/schemas/flow.json", first);
        }
    }

    private async Task<JsonNode> GetJsonAsync(string path)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(server.RestUrl + path));
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static string ToCamel(string parameter) =>
        UnderscoreLetter().Replace(parameter, m => m.Value[1..].ToUpperInvariant());

    [GeneratedRegex(@"\b(get|post|put|patch|delete)\s*:\s*""([^""]+)""")]
    private static partial Regex HttpRule();

    [GeneratedRegex(@"\{[a-z_]+\}")]
    private static partial Regex SnakeParameter();

    [GeneratedRegex("_[a-z]")]
    private static partial Regex UnderscoreLetter();

    [GeneratedRegex(@"<script[^>]*\ssrc=""([^""]+)""")]
    private static partial Regex ScriptSource();
}
