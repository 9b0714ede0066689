using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Observability;

/// <summary>
/// A real HTTP server on loopback that answers every request 200 and records its method, path, headers and body: the
/// target of an <c>http_request</c> block, a callback receiver, and an OTLP/HTTP receiver (<c>POST /v1/traces</c>,
/// protobuf bodies) in one.
/// </summary>
public sealed class LoopbackRecorder : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<RecordedRequest> _received = Channel.CreateUnbounded<RecordedRequest>();
    private readonly List<RecordedRequest> _all = [];

    private LoopbackRecorder(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Base URL, e.g. http://127.0.0.1:1234.</summary>
    public string Url { get; }

    /// <summary>Every request so far.</summary>
    public IReadOnlyList<RecordedRequest> All
    {
        get
        {
            lock (_all)
            {
                return [.. _all];
            }
        }
    }

    public static async Task<LoopbackRecorder> StartAsync()
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var app = LoopbackApp.Create(url);
        var recorder = new LoopbackRecorder(app, url);
        app.Map("/{**path}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            var request = new RecordedRequest(context.Request.Method, context.Request.Path, headers, body.ToArray());
            lock (recorder._all)
            {
                recorder._all.Add(request);
            }

            await recorder._received.Writer.WriteAsync(request);
            return Results.Ok();
        });
        await app.StartAsync();
        return recorder;
    }

    /// <summary>Waits for a request matching <paramref name="match"/>, among those received so far and later.</summary>
    public async Task<RecordedRequest> WaitForAsync(Func<RecordedRequest, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            if (All.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            try
            {
                await _received.Reader.WaitToReadAsync(cts.Token);
                while (_received.Reader.TryRead(out _))
                {
                }
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no matching request within {timeout}; received: " +
                    string.Join(", ", All.Select(r => $"{r.Method} {r.Path}")));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One request as the recorder received it.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    /// <summary>The W3C traceparent header, or null.</summary>
    public string? TraceParent => Headers.GetValueOrDefault("traceparent");

    /// <summary>Whether the raw body holds <paramref name="text"/> in UTF-8 (protobuf keeps strings as they are).</summary>
    public bool BodyContains(string text) =>
        Body.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text)) >= 0;
}
