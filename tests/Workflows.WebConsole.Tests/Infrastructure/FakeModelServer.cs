using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Workflows.WebConsole.Tests.Infrastructure;

/// <summary>
/// A stand-in for a model provider on loopback: an OpenAI-compatible <c>POST /v1/chat/completions</c> that streams
/// its answer as server-sent events, one chunk per piece, then the usage. After the first piece it waits for
/// <see cref="Release"/>, so a test can look at the page while the answer is half written.
/// </summary>
public sealed class FakeModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeModelServer(WebApplication app) => _app = app;

    public static IReadOnlyList<string> Pieces { get; } = ["Otters hold hands ", "while they sleep, ", "so they do not drift apart."];

    public const int PromptTokens = 12;

    public const int CompletionTokens = 5;

    public string Endpoint { get; private set; } = "";

    /// <summary>Lets the held stream (and later ones) go on.</summary>
    public void Release() => _gate.TrySetResult();

    /// <summary>Holds the next streams after their first piece again.</summary>
    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<FakeModelServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Not the server's appsettings.json that sits in the test output (its Kestrel endpoints would win over UseUrls).
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeModelServer(app);
        app.MapPost("/v1/chat/completions", server.AnswerAsync);
        await app.StartAsync();
        server.Endpoint = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/v1";
        return server;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var model = body?["model"]?.GetValue<string>() ?? "fake-model";
        context.Response.ContentType = "text/event-stream";
        for (var i = 0; i < Pieces.Count; i++)
        {
            await SendAsync(context, Chunk(model, new JsonObject { ["content"] = Pieces[i] }, null));
            if (i == 0)
            {
                await _gate.Task.WaitAsync(context.RequestAborted);
            }
        }

        await SendAsync(context, Chunk(model, new JsonObject(), "stop"));
        var usage = new JsonObject
        {
            ["id"] = "chatcmpl-test", ["object"] = "chat.completion.chunk", ["created"] = 0, ["model"] = model, ["choices"] = new JsonArray(),
            ["usage"] = new JsonObject { ["prompt_tokens"] = PromptTokens, ["completion_tokens"] = CompletionTokens, ["total_tokens"] = PromptTokens + CompletionTokens },
        };
        await SendAsync(context, usage.ToJsonString());
        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
    }

    private static string Chunk(string model, JsonObject delta, string? finish) => new JsonObject
    {
        ["id"] = "chatcmpl-test",
        ["object"] = "chat.completion.chunk",
        ["created"] = 0,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
    }.ToJsonString();

    private static async Task SendAsync(HttpContext context, string json)
    {
        await context.Response.WriteAsync("data: " + json + "\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
