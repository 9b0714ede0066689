using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Workflows.Blocks.Tests.Fixtures;

/// <summary>
/// A real OpenAI-compatible chat server on loopback: <c>POST /v1/chat/completions</c>, streamed as server-sent
/// events (with a usage chunk when <c>stream_options.include_usage</c> is set) or as one JSON answer. It records
/// every request, and can be told to fail, to stall, or to hold its stream after the first chunk until a gate opens.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly Queue<(int Status, string Message)> _failures = new();
    private readonly TaskCompletionSource _firstRequest = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeOpenAiServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The server's root, such as <c>http://127.0.0.1:5123</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>The OpenAI-compatible base URL to configure as a provider's endpoint.</summary>
    public string Endpoint => BaseUrl + "/v1";

    /// <summary>The answer's text pieces, one streamed chunk each.</summary>
    public IReadOnlyList<string> Chunks { get; set; } = ["Hello", ", ", "world"];

    /// <summary>Prompt tokens reported in the usage.</summary>
    public int PromptTokens { get; set; } = 12;

    /// <summary>Generated tokens reported in the usage.</summary>
    public int CompletionTokens { get; set; } = 5;

    /// <summary>When true, requests get no answer until the client gives up.</summary>
    public bool Stall { get; set; }

    /// <summary>Answers with one JSON body even when the request asks for a stream, as some proxies do.</summary>
    public bool IgnoreStream { get; set; }

    /// <summary>When set, the stream waits for this task after its first chunk before sending the rest.</summary>
    public Task? HoldAfterFirstChunk { get; set; }

    /// <summary>Completes when the first request has been received.</summary>
    public Task FirstRequest => _firstRequest.Task;

    /// <summary>The requests received, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The next <paramref name="times"/> requests are answered with <paramref name="status"/> and an OpenAI error body.</summary>
    public void FailNext(int status, string message, int times = 1)
    {
        lock (_failures)
        {
            for (var i = 0; i < times; i++)
            {
                _failures.Enqueue((status, message));
            }
        }
    }

    /// <summary>Starts a server on a free loopback port.</summary>
    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeOpenAiServer? server = null;
        app.MapPost("/v1/chat/completions", (HttpContext context) => server!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeOpenAiServer(app, address.TrimEnd('/'));
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = (JsonObject)(await JsonNode.ParseAsync(context.Request.Body))!;
        lock (_requests)
        {
            _requests.Add(new RecordedRequest(body, context.Request.Headers.Authorization.ToString()));
        }

        _firstRequest.TrySetResult();

        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        (int Status, string Message)? failure = null;
        lock (_failures)
        {
            if (_failures.Count > 0)
            {
                failure = _failures.Dequeue();
            }
        }

        if (failure is { } f)
        {
            context.Response.StatusCode = f.Status;
            // Retries are immediate, so tests of the retry policy do not wait out its back-off.
            context.Response.Headers["retry-after-ms"] = "1";
            context.Response.Headers.RetryAfter = "0";
            await context.Response.WriteAsJsonAsync(
                new JsonObject { ["error"] = new JsonObject { ["message"] = f.Message, ["type"] = "test_error", ["code"] = null } });
            return;
        }

        if (Stall)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, aborted.Token);
            }
            catch (OperationCanceledException)
            {
                // The client gave up, or the server is stopping.
            }

            return;
        }

        var model = body["model"]?.GetValue<string>() ?? "unknown";
        if (body["stream"]?.GetValue<bool>() == true && !IgnoreStream)
        {
            await StreamAsync(context, model, body["stream_options"]?["include_usage"]?.GetValue<bool>() == true, aborted.Token);
            return;
        }

        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["id"] = "chatcmpl-test",
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = string.Concat(Chunks) },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = Usage(),
        });
    }

    private async Task StreamAsync(HttpContext context, string model, bool includeUsage, CancellationToken cancellationToken)
    {
        context.Response.ContentType = "text/event-stream";
        for (var i = 0; i < Chunks.Count; i++)
        {
            var delta = new JsonObject { ["content"] = Chunks[i] };
            if (i == 0)
            {
                delta["role"] = "assistant";
            }

            await SendAsync(context, Chunk(model, new JsonArray(Choice(delta, null))), cancellationToken);
            if (i == 0 && HoldAfterFirstChunk is { } hold)
            {
                await hold.WaitAsync(cancellationToken);
            }
        }

        await SendAsync(context, Chunk(model, new JsonArray(Choice(new JsonObject(), "stop"))), cancellationToken);
        if (includeUsage)
        {
            var last = Chunk(model, []);
            last["usage"] = Usage();
            await SendAsync(context, last, cancellationToken);
        }

        await context.Response.WriteAsync("data: [DONE]\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    private static async Task SendAsync(HttpContext context, JsonObject chunk, CancellationToken cancellationToken)
    {
        await context.Response.WriteAsync($"data: {chunk.ToJsonString()}\n\n", Encoding.UTF8, cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    private static JsonObject Chunk(string model, JsonArray choices) => new()
    {
        ["id"] = "chatcmpl-test",
        ["object"] = "chat.completion.chunk",
        ["created"] = 1_700_000_000,
        ["model"] = model,
        ["choices"] = choices,
    };

    private static JsonObject Choice(JsonObject delta, string? finishReason) => new()
    {
        ["index"] = 0,
        ["delta"] = delta,
        ["finish_reason"] = finishReason,
    };

    private JsonObject Usage() => new()
    {
        ["prompt_tokens"] = PromptTokens,
        ["completion_tokens"] = CompletionTokens,
        ["total_tokens"] = PromptTokens + CompletionTokens,
    };

    /// <summary>Stops the server, releasing stalled requests.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    /// <summary>One request as received.</summary>
    /// <param name="Body">The JSON body.</param>
    /// <param name="Authorization">The Authorization header ("" when absent).</param>
    public sealed record RecordedRequest(JsonObject Body, string Authorization)
    {
        /// <summary>The content of the first message with this role, or null.</summary>
        public string? Message(string role) =>
            Body["messages"]?.AsArray().FirstOrDefault(m => m?["role"]?.GetValue<string>() == role)?["content"] switch
            {
                JsonValue text when text.GetValueKind() == JsonValueKind.String => text.GetValue<string>(),
                JsonArray parts => string.Concat(parts.Select(p => p?["text"]?.GetValue<string>())),
                _ => null,
            };
    }
}
