using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Workflows.Blocks.Tests.Net;

/// <summary>A real HTTP server on 127.0.0.1 (Kestrel) that records every request and answers with a test's handler.</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<Recorded> _requests = [];

    private LoopbackServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>One request as received.</summary>
    public sealed record Recorded(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body, TimeSpan At);

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The root URL by address, <c>http://127.0.0.1:PORT</c>.</summary>
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Cancelled when the server stops, so handlers that wait forever end.</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <summary>The requests received so far, in order.</summary>
    public IReadOnlyList<Recorded> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Starts a server whose every request is answered by <paramref name="handler"/> (given the request's 0-based number).</summary>
    public static async Task<LoopbackServer> StartAsync(Func<HttpContext, int, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        LoopbackServer? server = null;
        var clock = Stopwatch.StartNew();
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            int number;
            lock (server!._requests)
            {
                number = server._requests.Count;
                server._requests.Add(new Recorded(
                    context.Request.Method,
                    context.Request.Path.Value ?? "",
                    context.Request.QueryString.Value ?? "",
                    context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                    body,
                    clock.Elapsed));
            }

            await handler(context, number);
        });
        await app.StartAsync();
        server = new LoopbackServer(app, new Uri(app.Urls.First()).Port);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
