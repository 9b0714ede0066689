using Microsoft.Extensions.Time.Testing;
using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Contracts.V1;
using Workflows.Security;

namespace Workflows.Server.Tests.Infrastructure;

/// <summary>
/// The real service on loopback (Kestrel, a REST endpoint over HTTP/1.1 and a gRPC endpoint over h2c), with its
/// own data dir and apps dir (the repo's sample apps plus the test apps), shared by the tests of a collection.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private readonly IReadOnlyDictionary<string, string?> _overrides;
    private WebApplication? _app;

    /// <summary>The shared server, as the <c>server</c> collection uses it.</summary>
    public ServerFixture()
        : this(new Dictionary<string, string?>())
    {
    }

    // Not public: xunit wants one public constructor on a collection fixture.
    private ServerFixture(IReadOnlyDictionary<string, string?> overrides) => _overrides = overrides;

    /// <summary>A dedicated server (start it with <see cref="InitializeAsync"/>) whose settings <paramref name="overrides"/> replaces or adds to.</summary>
    public static ServerFixture WithSettings(IReadOnlyDictionary<string, string?> overrides) => new(overrides);

    public string RestUrl { get; } = $"http://127.0.0.1:{FreePort.Next()}";
    public string GrpcUrl { get; } = $"http://127.0.0.1:{FreePort.Next()}";
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "wf-tests-" + Guid.NewGuid().ToString("N"));
    public string AppsDir => Path.Combine(DataDir, "apps");
    public TokenIssuer Tokens { get; private set; } = null!;

    /// <summary>The running server's token signing key (kept in its database).</summary>
    public byte[] SigningKey => Services.GetRequiredService<Workflows.Server.Auth.ServiceSecrets>().SigningKey;

    /// <summary>The running server's services (for reading its store or secrets in assertions).</summary>
    public IServiceProvider Services => _app!.Services;
    public CallbackReceiver Callbacks { get; private set; } = null!;
    public GrpcChannel Channel { get; private set; } = null!;

    /// <summary>Admin token of organisation <c>default</c>.</summary>
    public string AdminToken { get; private set; } = "";

    /// <summary>Exec token of organisation <c>default</c>, all recipes.</summary>
    public string ExecToken { get; private set; } = "";

    /// <summary>Admin token of organisation <c>acme</c>.</summary>
    public string AcmeToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(AppsDir);
        TestHost.CopyApps(AppsDir);
        Callbacks = await CallbackReceiver.StartAsync();

        var settings = new Dictionary<string, string?>
        {
            ["Workflows:Organizations:default:Name"] = "Default Org",
            ["Workflows:Organizations:acme:Name"] = "Acme",
            ["Workflows:Scripts:TimeoutMs"] = "500",
            // So that the time limit, not the statement limit, stops a looping script even on a fast, quiet machine.
            ["Workflows:Scripts:MaxStatements"] = "2000000000",
            ["Workflows:Delivery:PollInterval"] = "00:00:00.050",
            // The shared server does not rate-limit: the hostile corpus must reach the body checks, not the
            // limiter; the limit tests start dedicated servers.
            ["Workflows:Limits:RequestsPerSecond"] = "0",
            ["Workflows:Delivery:InitialBackoff"] = "00:00:00.100",
            ["Workflows:Delivery:MaxBackoff"] = "00:00:00.400",
            // Callbacks go to a receiver on loopback, which the outbound guard refuses unless allowed.
            ["Workflows:Outbound:Allow:0"] = "127.0.0.1",
        };
        foreach (var (key, value) in _overrides)
        {
            settings[key] = value;
        }

        _app = TestHost.Build(RestUrl, GrpcUrl, DataDir, AppsDir, settings);
        await _app.StartAsync();
        Tokens = _app.Services.GetRequiredService<TokenIssuer>();
        AdminToken = Token("default", "admin");
        ExecToken = Token("default", "exec");
        AcmeToken = Token("acme", "admin");
        Channel = GrpcChannel.ForAddress(GrpcUrl);
    }

    public string Token(string org, string action, params string[] recipes) =>
        Tokens.Create(org, action, "Workflow", TimeSpan.FromHours(1), recipes).Token;

    /// <summary>
    /// A token signed with the server's own key but minted by a clock stopped at <paramref name="now"/>, so it can be
    /// expired (or not valid yet) without waiting.
    /// </summary>
    public string TokenAt(DateTimeOffset now, TimeSpan lifetime, string org = "default", string action = "exec") =>
        new TokenIssuer(SigningKey, new FakeTimeProvider(now))
            .Create(org, action, "Workflow", lifetime, []).Token;

    /// <summary>An HTTP client for the REST endpoint with a bearer token (none when null).</summary>
    public HttpClient Rest(string? token)
    {
        var client = new HttpClient { BaseAddress = new Uri(RestUrl), Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>A gRPC client of the native service.</summary>
    public WorkflowService.WorkflowServiceClient Grpc() => new(Channel);

    public static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };

    public async Task DisposeAsync()
    {
        Channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await Callbacks.DisposeAsync();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open on a slow shutdown; the temp dir is cleaned by the OS.
        }
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Grpc.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repo root (Grpc.sln) not found");
    }

}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
