using System.Net;
using System.Text;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Workflows.Engine.Jobs;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Mcp;

/// <summary>The official C# MCP client against <c>/mcp</c> of a real server: tools, calls, progress, cancel, auth, scope.</summary>
[Collection(ServerCollection.Name)]
public sealed class McpDotnetClientTests(ServerFixture server)
{
    private async Task<McpClient> ConnectAsync(string token) =>
        await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = new Uri(server.RestUrl + "/mcp"),
                TransportMode = HttpTransportMode.StreamableHttp,
                AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
            }),
            cancellationToken: CancellationToken.None);

    [Fact]
    public async Task ListTools_AdminToken_ShowsOptedInWorkflowsWithSchemas()
    {
        await using var client = await ConnectAsync(server.AdminToken);

        var tools = (await client.ListToolsAsync()).ToDictionary(t => t.Name);

        Assert.Contains("blog-writer", tools.Keys);
        Assert.Contains("digest", tools.Keys);
        Assert.Contains("tools", tools.Keys);
        Assert.Contains("tools_fail", tools.Keys);
        Assert.DoesNotContain("tools_hidden", tools.Keys);      // mcp: false on the workflow
        Assert.DoesNotContain("fetch", tools.Keys);             // the app does not opt in
        Assert.DoesNotContain("acme-tools", tools.Keys);        // another organisation's
        var input = tools["blog-writer"].JsonSchema;
        Assert.Equal("string", input.GetProperty("properties").GetProperty("topic").GetProperty("type").GetString());
        Assert.Equal("What to write about", input.GetProperty("properties").GetProperty("topic").GetProperty("description").GetString());
        Assert.Equal("friendly", input.GetProperty("properties").GetProperty("tone").GetProperty("default").GetString());
        Assert.Equal(["topic"], input.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("integer", tools["digest"].JsonSchema.GetProperty("properties").GetProperty("words").GetProperty("type").GetString());
        var output = tools["digest"].ProtocolTool.OutputSchema!.Value;
        Assert.Equal(["title", "summary", "stats"], output.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Null(tools["blog-writer"].ProtocolTool.OutputSchema);
    }

    [Fact]
    public async Task ListTools_ScopedTokens_SeeOnlyTheirOrganisationAndRecipes()
    {
        await using var blogOnly = await ConnectAsync(server.Token("default", "exec", "blog"));
        await using var acme = await ConnectAsync(server.AcmeToken);

        var blogTools = (await blogOnly.ListToolsAsync()).Select(t => t.Name);
        var acmeTools = (await acme.ListToolsAsync()).Select(t => t.Name);

        Assert.Equal(["blog-writer"], blogTools);
        Assert.Equal(["acme-tools"], acmeTools);
    }

    [Fact]
    public async Task CallTool_OutOfScope_IsRefused()
    {
        await using var blogOnly = await ConnectAsync(server.Token("default", "exec", "blog"));

        var refused = await Assert.ThrowsAsync<McpProtocolException>(() =>
            blogOnly.CallToolAsync("digest", new Dictionary<string, object?> { ["text"] = "x" }).AsTask());

        Assert.Contains("unknown tool 'digest'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallTool_TextWorkflow_AnswersText()
    {
        await using var client = await ConnectAsync(server.ExecToken);

        var result = await client.CallToolAsync("blog-writer", new Dictionary<string, object?> { ["topic"] = "moles", ["tone"] = "dry" });

        Assert.NotEqual(true, result.IsError);
        Assert.Equal("ASSISTANT WILL WRITE A DRY POST ABOUT: MOLES", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        Assert.Null(result.StructuredContent);
    }

    [Fact]
    public async Task CallTool_WithProgress_ReportsBlockEventsWhileTheJobRuns()
    {
        // The gate holds the job after three events, so they reach the client while the call is still open (this
        // client hands each notification to its handler on its own task and stops listening when the result arrives).
        var gate = "mcp-progress-" + Guid.NewGuid().ToString("N");
        await using var client = await ConnectAsync(server.ExecToken);
        var progress = new List<ProgressNotificationValue>();

        var call = client.CallToolAsync(
            "gated", new Dictionary<string, object?> { ["gate"] = gate }, new SynchronousProgress(progress)).AsTask();
        var deadline = JobHelpers.Deadline();
        while (Snapshot(progress).Count < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        var held = Snapshot(progress).OrderBy(p => p.Progress).ToList();
        GateBlock.Open(gate, "let through");
        var result = await call.WaitAsync(JobHelpers.Timeout);

        Assert.Equal([1f, 2f, 3f], held.Select(p => p.Progress));
        Assert.Equal(["block before (template) started", "block before completed", "block wait (gate) started"], held.Select(p => p.Message));
        Assert.All(held, p => Assert.Equal(6f, p.Total));
        Assert.Equal("let through", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
    }

    [Fact]
    public async Task CallTool_SeveralOutputs_AnswersStructuredContent()
    {
        await using var client = await ConnectAsync(server.ExecToken);

        var result = await client.CallToolAsync(
            "digest", new Dictionary<string, object?> { ["text"] = "one two three four five", ["words"] = 2 });

        var structured = result.StructuredContent!.Value;
        Assert.Equal("One two three", structured.GetProperty("title").GetString());
        Assert.Equal("one two…", structured.GetProperty("summary").GetString());
        var text = JsonDocument.Parse(Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text).RootElement;
        Assert.Equal("one two…", text.GetProperty("summary").GetString());
        Assert.Equal(structured.GetProperty("stats").GetString(), text.GetProperty("stats").GetString());
    }

    [Fact]
    public async Task CallTool_FailedJobOrBadArguments_IsErrorResultWithTheReason()
    {
        await using var client = await ConnectAsync(server.ExecToken);

        var failed = await client.CallToolAsync("tools_fail");
        var missing = await client.CallToolAsync("tools", new Dictionary<string, object?> { ["times"] = 3 });

        Assert.True(failed.IsError);
        Assert.Contains("the tool broke on purpose", Assert.IsType<TextContentBlock>(Assert.Single(failed.Content)).Text, StringComparison.Ordinal);
        Assert.True(missing.IsError);
        Assert.Contains("word", Assert.IsType<TextContentBlock>(Assert.Single(missing.Content)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallTool_Cancelled_CancelsTheJob()
    {
        var gate = "mcp-dotnet-" + Guid.NewGuid().ToString("N");
        await using var client = await ConnectAsync(server.ExecToken);
        using var cancel = new CancellationTokenSource();

        var call = client.CallToolAsync("gated", new Dictionary<string, object?> { ["gate"] = gate }, cancellationToken: cancel.Token).AsTask();
        await GateBlock.Reached(gate).WaitAsync(JobHelpers.Timeout);
        var job = await McpJobs.GatedJobAsync(server, gate);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        var ended = await McpJobs.WaitForEndAsync(server, job.Id);
        Assert.Equal(JobState.Cancelled, ended.State);
        // This client speaks the 2026-07-28 revision, where closing the call's stream is the cancel; the TypeScript test
        // covers notifications/cancelled arriving as a separate POST.
        Assert.Contains("cancelled by the MCP client", ended.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_WithoutOrWithBadToken_Is401WithWwwAuthenticate()
    {
        using var anonymous = server.Rest(null);
        using var bad = server.Rest("not-a-token");
        var initialize = """{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}""";

        using var missing = await anonymous.PostAsync("/mcp", Json(initialize));
        using var invalid = await bad.PostAsync("/mcp", Json(initialize));

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, invalid.StatusCode);
        Assert.Contains("invalid_token", invalid.Headers.WwwAuthenticate.Single().Parameter, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync("not-a-token"));
    }

    private static List<ProgressNotificationValue> Snapshot(List<ProgressNotificationValue> values)
    {
        lock (values)
        {
            return [.. values];
        }
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>Records progress as it is reported (Progress&lt;T&gt; would post to the thread pool and reorder).</summary>
    private sealed class SynchronousProgress(List<ProgressNotificationValue> values) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value)
        {
            lock (values)
            {
                values.Add(value);
            }
        }
    }
}
