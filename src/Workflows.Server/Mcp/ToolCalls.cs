using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Server.Auth;

namespace Workflows.Server.Mcp;

/// <summary>
/// <c>tools/list</c>, <c>tools/call</c> and <c>notifications/cancelled</c>: a call starts a job and follows its events
/// (block events become progress notifications when the client sent a progress token) until it ends. Before the job
/// starts, the call's request id is stored as a handle naming the job's (fresh) idempotency key, so a cancel notice
/// that reaches any node, even while the job is being created, finds it.
/// </summary>
internal sealed partial class ToolCalls(ToolCatalog catalog, JobService jobs, IJobStore store, TimeProvider time, ILogger<ToolCalls> logger)
{
    /// <summary>How long a call's request id names its job (a cancel notice after that finds nothing).</summary>
    public static readonly TimeSpan HandleLifetime = TimeSpan.FromDays(1);

    public ValueTask<ListToolsResult> ListAsync(RequestContext<ListToolsRequestParams> context, CancellationToken cancellationToken)
    {
        var caller = CallerOf(context.User);
        return ValueTask.FromResult(new ListToolsResult { Tools = [.. catalog.For(caller).Select(t => t.Tool)] });
    }

    public async ValueTask<CallToolResult> CallAsync(RequestContext<CallToolRequestParams> context, CancellationToken cancellationToken)
    {
        var caller = CallerOf(context.User);
        var name = context.Params?.Name ?? "";
        var tool = catalog.For(caller).FirstOrDefault(t => t.Tool.Name == name)
            ?? throw new McpProtocolException($"unknown tool '{name}'", McpErrorCode.InvalidParams);

        var variables = new JsonObject();
        foreach (var (key, value) in context.Params?.Arguments ?? new Dictionary<string, JsonElement>())
        {
            variables[key] = JsonNode.Parse(value.GetRawText());
        }

        // The handle comes first: a client may cancel as soon as the job has started, before a put after it would land.
        var handleKey = HandleKey(caller, context.JsonRpcRequest.Id.ToString());
        var idempotencyKey = "mcp-" + Guid.NewGuid().ToString("N");
        var now = time.GetUtcNow();
        await store.PutHandleAsync(new Handle(handleKey, caller.OrganizationId, idempotencyKey, now + HandleLifetime), now, cancellationToken);

        JobRecord job;
        try
        {
            job = await jobs.StartAsync(
                new StartJobRequest
                {
                    OrganizationId = caller.OrganizationId,
                    AppId = tool.App.Id,
                    Workflow = tool.Workflow.Name,
                    Variables = variables,
                    IdempotencyKey = idempotencyKey,
                    CreatedBy = caller.TokenId,
                    Creator = caller.Subject,
                },
                cancellationToken);
        }
        catch (EngineException ex) when (ex.Kind is EngineErrorKind.InvalidArgument or EngineErrorKind.NotFound or EngineErrorKind.FailedPrecondition)
        {
            // Bad arguments are the model's to fix: a tool error it can read, not a protocol error.
            return Failed(ex.Message);
        }

        // A notice that came while the job was being created found no job and left a mark instead.
        if (await store.GetHandleAsync(EarlyCancelKey(idempotencyKey), time.GetUtcNow(), cancellationToken) is not null)
        {
            await jobs.CancelAsync(caller.OrganizationId, job.Id, "cancelled by the MCP client", CancellationToken.None);
        }

        var protocol = context.JsonRpcRequest.Context?.ProtocolVersion;
        LogCall(logger, name, job.Id, protocol ?? "?");

        try
        {
            job = await FollowAsync(context, tool, job, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && CancelsOnDisconnect(protocol))
        {
            // From the 2026-07-28 revision on, a client cancels a call over HTTP by closing its response stream.
            await jobs.CancelAsync(caller.OrganizationId, job.Id, "cancelled by the MCP client (the call was closed)", CancellationToken.None);
            LogCancelled(logger, job.Id);
            throw;
        }

        return await ResultOfAsync(tool, job);
    }

    /// <summary>How long handling a cancel notice may take.</summary>
    private static readonly TimeSpan CancelTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A cancel notice names a request id: the job stored under it (for this token) is cancelled.</summary>
    public async ValueTask OnCancelledAsync(JsonRpcNotification notification, CancellationToken requestAborted)
    {
        // The notice's POST is answered 202 at once and its token is cancelled with it: the cancel runs on its own.
        _ = requestAborted;
        using var timeout = new CancellationTokenSource(CancelTimeout, time);
        var cancellationToken = timeout.Token;
        if (notification.Context?.User is not { } user || notification.Params?["requestId"] is not JsonValue requestId)
        {
            return;
        }

        Caller caller;
        try
        {
            caller = Caller.From(user);
        }
        catch (EngineException)
        {
            return;
        }

        var id = requestId.TryGetValue<string>(out var text) ? text : requestId.ToJsonString();
        var now = time.GetUtcNow();
        var handle = await store.GetHandleAsync(HandleKey(caller, id), now, cancellationToken);
        if (handle is null)
        {
            return;
        }

        var job = await store.FindByIdempotencyKeyAsync(caller.OrganizationId, handle.Target, cancellationToken);
        if (job is null)
        {
            // The call stored its handle but its job is not stored yet: the call cancels it once it is.
            await store.PutHandleAsync(new Handle(EarlyCancelKey(handle.Target), caller.OrganizationId, "", now + HandleLifetime), now, cancellationToken);
            return;
        }

        var jobId = job.Id;
        var reason = notification.Params?["reason"] is JsonValue given && given.TryGetValue<string>(out var r) && r.Length > 0
            ? "cancelled by the MCP client: " + r
            : "cancelled by the MCP client";
        await jobs.CancelAsync(caller.OrganizationId, jobId, reason, cancellationToken);
        LogCancelled(logger, jobId);
    }

    /// <summary>Follows the job's events to its end, reporting block events as progress when asked to.</summary>
    private async Task<JobRecord> FollowAsync(
        RequestContext<CallToolRequestParams> context, WorkflowTool tool, JobRecord job, CancellationToken cancellationToken)
    {
        var token = context.Params?.ProgressToken;
        var total = 2 * tool.Workflow.Blocks.Count;
        var progress = 0;
        await foreach (var ev in jobs.WatchAsync(job.OrganizationId, job.Id, 0, cancellationToken))
        {
            if (token is { } progressToken && Describe(ev) is { } message)
            {
                progress++;
                await context.Server.NotifyProgressAsync(
                    progressToken,
                    new ProgressNotificationValue { Progress = progress, Total = progress <= total ? total : null, Message = message },
                    cancellationToken: cancellationToken);
            }

            if (ev.IsTerminal)
            {
                break;
            }
        }

        return await jobs.GetAsync(job.OrganizationId, job.Id, cancellationToken);
    }

    /// <summary>
    /// Whether closing the call means cancelling it: so from the 2026-07-28 revision on; before it, Streamable HTTP says
    /// a disconnect is not a cancel (the client may resume) and only <c>notifications/cancelled</c> cancels.
    /// </summary>
    private static bool CancelsOnDisconnect(string? protocolVersion) =>
        protocolVersion is not null && string.CompareOrdinal(protocolVersion, "2026-07-28") >= 0;

    private static string? Describe(JobEvent ev) => ev.Type switch
    {
        JobEventTypes.BlockStarted => $"block {ev.BlockId} ({ev.BlockType}) started",
        JobEventTypes.BlockCompleted => $"block {ev.BlockId} completed",
        JobEventTypes.BlockFailed => $"block {ev.BlockId} failed: {ev.Error}",
        JobEventTypes.JobWaiting => "waiting",
        _ => null,
    };

    private static Task<CallToolResult> ResultOfAsync(WorkflowTool tool, JobRecord job)
    {
        if (job.State != JobState.Succeeded)
        {
            var reason = job.State == JobState.Cancelled ? "the run was cancelled" : "the run failed";
            return Task.FromResult(Failed($"{reason}: {job.Error ?? "no reason given"} (job {job.Id})"));
        }

        if (tool.Structured && job.Result is JsonObject values)
        {
            return Task.FromResult(new CallToolResult
            {
                // The text mirrors the structured value for clients that only read content.
                Content = [new TextContentBlock { Text = values.ToJsonString(McpJson.Text) }],
                StructuredContent = JsonSerializer.SerializeToElement<JsonNode>(values, McpJson.Node),
            });
        }

        var text = job.Result switch
        {
            null => "",
            JsonValue value when value.TryGetValue<string>(out var s) => s,
            var other => other.ToJsonString(McpJson.Text),
        };
        return Task.FromResult(new CallToolResult { Content = [new TextContentBlock { Text = text }] });
    }

    private static CallToolResult Failed(string message) =>
        new() { IsError = true, Content = [new TextContentBlock { Text = message }] };

    private static string EarlyCancelKey(string idempotencyKey) => "mcp-cancel:" + idempotencyKey;

    private static string HandleKey(Caller caller, string requestId) =>
        string.Create(CultureInfo.InvariantCulture, $"mcp:{caller.OrganizationId}:{caller.TokenId}:{requestId}");

    private static Caller CallerOf(ClaimsPrincipal? user) =>
        Caller.From(user ?? throw new McpProtocolException("the request is not authenticated", McpErrorCode.InvalidRequest));

    [LoggerMessage(Level = LogLevel.Information, Message = "MCP tool {Tool} runs as job {JobId} (protocol {Protocol})")]
    private static partial void LogCall(ILogger logger, string tool, Guid jobId, string protocol);

    [LoggerMessage(Level = LogLevel.Information, Message = "MCP cancel notice cancelled job {JobId}")]
    private static partial void LogCancelled(ILogger logger, Guid jobId);
}
