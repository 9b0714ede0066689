using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Workflows.Server.Tests.Infrastructure;

/// <summary>A real HTTP server on loopback that records every POST it receives, standing in for a callback receiver.</summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedCallback> _received = Channel.CreateUnbounded<ReceivedCallback>();
    private int _failuresLeft;

    private CallbackReceiver(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Base URL, e.g. http://127.0.0.1:1234.</summary>
    public string Url { get; }

    /// <summary>How many of the next POSTs to answer with <see cref="FailureStatus"/> (they are still recorded).</summary>
    public int FailuresLeft
    {
        get => Volatile.Read(ref _failuresLeft);
        set => Volatile.Write(ref _failuresLeft, value);
    }

    /// <summary>Every POST is recorded at once but answered only when this completes (a slow receiver).</summary>
    public Task Hold { get; set; } = Task.CompletedTask;

    /// <summary>The status failed POSTs get.</summary>
    public int FailureStatus { get; set; } = StatusCodes.Status503ServiceUnavailable;

    public static Task<CallbackReceiver> StartAsync() => StartAsync(FreePort.Next());

    /// <summary>Starts on a given loopback port (a test may first let callbacks to that port fail).</summary>
    public static async Task<CallbackReceiver> StartAsync(int port)
    {
        var url = $"http://127.0.0.1:{port}";
        var app = LoopbackApp.Create(url);
        var receiver = new CallbackReceiver(app, url);
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            var failed = Interlocked.Decrement(ref receiver._failuresLeft) >= 0;
            await receiver._received.Writer.WriteAsync(new ReceivedCallback(context.Request.Path, headers, body) { Failed = failed });
            await receiver.Hold;
            return failed ? Results.StatusCode(receiver.FailureStatus) : Results.Ok();
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Waits for the next POST whose path is <paramref name="path"/> (others are kept for later reads).</summary>
    public async Task<ReceivedCallback> NextAsync(string path, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var skipped = new List<ReceivedCallback>();
        try
        {
            while (true)
            {
                var item = await _received.Reader.ReadAsync(cts.Token);
                if (item.Path == path)
                {
                    return item;
                }

                skipped.Add(item);
            }
        }
        finally
        {
            foreach (var item in skipped)
            {
                _received.Writer.TryWrite(item);
            }
        }
    }

    /// <summary>Whether a POST to <paramref name="path"/> has arrived and not been read yet; reads nothing away.</summary>
    public bool HasPending(string path)
    {
        var pending = new List<ReceivedCallback>();
        while (_received.Reader.TryRead(out var item))
        {
            pending.Add(item);
        }

        foreach (var item in pending)
        {
            _received.Writer.TryWrite(item);
        }

        return pending.Exists(item => item.Path == path);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>One received POST.</summary>
public sealed record ReceivedCallback(string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>Whether the receiver answered this POST with a failure status.</summary>
    public bool Failed { get; init; }
}
