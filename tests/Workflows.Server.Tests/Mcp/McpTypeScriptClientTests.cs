using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Server.Tests.Compatibility;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Mcp;

/// <summary>
/// The official MCP TypeScript SDK client (npm <c>@modelcontextprotocol/sdk</c>, pinned in npm/package.json) against
/// <c>/mcp</c> of a real server, through npm/mcp-check.mjs: tools per token, text, structured and failed calls,
/// progress, a cancel notice, and no token.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class McpTypeScriptClientTests(ServerFixture server)
{
    [Fact]
    public async Task OfficialClient_ListCallProgressCancelAuth_AllWork()
    {
        var gate = "mcp-ts-" + Guid.NewGuid().ToString("N");
        var output = await NodeScripts.RunAsync(
            "mcp-check.mjs",
            new Dictionary<string, string>
            {
                ["TOKEN"] = server.AdminToken,
                ["BLOG_TOKEN"] = server.Token("default", "exec", "blog"),
                ["ACME_TOKEN"] = server.AcmeToken,
            },
            server.RestUrl + "/mcp",
            gate);
        var report = JsonNode.Parse(output.Trim().Split('\n')[^1])!;

        var admin = report["adminTools"]!.AsArray().Select(n => (string?)n).ToList();
        Assert.Contains("blog-writer", admin);
        Assert.Contains("digest", admin);
        Assert.Contains("gated", admin);
        Assert.DoesNotContain("tools_hidden", admin);
        Assert.DoesNotContain("acme-tools", admin);
        Assert.Equal(["blog-writer"], report["blogTools"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(["acme-tools"], report["acmeTools"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(401, (int?)report["anonymous"]!["code"]);
        Assert.Contains("a bearer token is required", (string?)report["anonymous"]!["message"], StringComparison.Ordinal);

        Assert.Equal("integer", (string?)report["digestSchema"]!["input"]!["properties"]!["words"]!["type"]);
        Assert.Equal("object", (string?)report["digestSchema"]!["output"]!["type"]);
        Assert.Equal("ASSISTANT WILL WRITE A FRIENDLY POST ABOUT: VOLES", (string?)report["text"]!["content"]![0]!["text"]);
        var progress = report["progress"]!.AsArray();
        Assert.Equal([1, 2, 3, 4, 5, 6], progress.Select(p => (int)p!["progress"]!));
        Assert.Equal("block shout (script) started", (string?)progress[2]!["message"]);
        Assert.Equal("Alpha beta gamma", (string?)report["structured"]!["structuredContent"]!["title"]);
        Assert.Equal("alpha beta…", (string?)report["structured"]!["structuredContent"]!["summary"]);
        Assert.True((bool?)report["failed"]!["isError"]);
        Assert.Contains("the tool broke on purpose", (string?)report["failed"]!["content"]![0]!["text"], StringComparison.Ordinal);

        Assert.Null(report["cancel"]!["completed"]);
        // This client speaks a revision before 2026-07-28: the call stays open and only the notice (its own POST) cancels.
        Assert.Equal("2025-11-25", (string?)report["protocolVersion"]);
        Assert.Equal(["fulfilled"], report["cancelNotices"]!.AsArray().Select(n => (string?)n));
        var job = await McpJobs.GatedJobAsync(server, gate);
        var ended = await McpJobs.WaitForEndAsync(server, job.Id);
        Assert.Equal(JobState.Cancelled, ended.State);
        Assert.Contains("cancelled by the MCP client: the test gave up", ended.Error, StringComparison.Ordinal);
    }
}
