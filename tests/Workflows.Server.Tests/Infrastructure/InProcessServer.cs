using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Contracts.V1;
using Workflows.Security;

namespace Workflows.Server.Tests.Infrastructure;

/// <summary>
/// A server of its own for tests that need settings the shared <see cref="ServerFixture"/> must not have (small limits,
/// a short key lifetime, a clock the test moves), built the same way: in process, on loopback, with its own data dir,
/// the sample and test apps, and the test blocks.
/// </summary>
public sealed class InProcessServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDir;

    private InProcessServer(WebApplication app, string dataDir, string restUrl, string grpcUrl)
    {
        _app = app;
        _dataDir = dataDir;
        RestUrl = restUrl;
        Channel = GrpcChannel.ForAddress(grpcUrl);
        Tokens = app.Services.GetRequiredService<TokenIssuer>();
    }

    public string RestUrl { get; }

    public GrpcChannel Channel { get; }

    public TokenIssuer Tokens { get; }

    /// <summary>Starts a server with <paramref name="settings"/> on top of the test defaults, and <paramref name="time"/> as its clock.</summary>
    public static async Task<InProcessServer> StartAsync(IReadOnlyDictionary<string, string?> settings, TimeProvider? time = null)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "wf-own-" + Guid.NewGuid().ToString("N"));
        var appsDir = Path.Combine(dataDir, "apps");
        TestHost.CopyApps(appsDir);
        var restUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var grpcUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var defaults = new Dictionary<string, string?> { ["Workflows:Organizations:acme:Name"] = "Acme" };
        var app = TestHost.Build(restUrl, grpcUrl, dataDir, appsDir, defaults.Concat(settings), time);
        await app.StartAsync();
        return new InProcessServer(app, dataDir, restUrl, grpcUrl);
    }

    /// <summary>A token valid for 30 days, so it stays valid when a test moves the server's clock.</summary>
    public string Token(string org, string action = "admin") => Tokens.Create(org, action, "Workflow", TimeSpan.FromDays(30), []).Token;

    public WorkflowService.WorkflowServiceClient Grpc() => new(Channel);

    public HttpClient Rest(string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(RestUrl), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static Metadata Bearer(string token) => ServerFixture.Bearer(token);

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open on a slow shutdown; the temp dir is cleaned by the OS.
        }
    }
}
