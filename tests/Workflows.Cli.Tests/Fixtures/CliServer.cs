using Workflows.Blocks.Tests.Fixtures;
using Workflows.Security;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Cli.Tests.Fixtures;

/// <summary>
/// One real server process for the CLI tests (SQLite in a temp data dir, the test apps of <c>TestApps/</c>), a fake
/// OpenAI-compatible model server that streams its answer, and tokens minted with the data dir's signing key.
/// </summary>
public sealed class CliServer : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("wf-cli-server-").FullName;
    private ServerProcess? _server;
    private FakeOpenAiServer? _model;

    public string DataDir => Path.Combine(_root, "data");

    public string AppsDir => Path.Combine(_root, "apps");

    public string GrpcUrl => _server!.GrpcUrl;

    public string RestUrl => _server!.RestUrl;

    public string AdminToken { get; private set; } = "";

    public string ExecToken { get; private set; } = "";

    public string HelloOnlyToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDir);
        CopyDirectory(Path.Combine(AppContext.BaseDirectory, "TestApps"), AppsDir);
        var issuer = new TokenIssuer(SigningKeys.LoadOrCreate(DataDir, null), TimeProvider.System);
        AdminToken = issuer.Create("default", TokenClaims.AdminAction, "cli-tests", TimeSpan.FromHours(1), []).Token;
        ExecToken = issuer.Create("default", TokenClaims.ExecAction, "cli-tests", TimeSpan.FromHours(1), []).Token;
        HelloOnlyToken = issuer.Create("default", TokenClaims.ExecAction, "cli-tests", TimeSpan.FromHours(1), ["hello"]).Token;

        _model = await FakeOpenAiServer.StartAsync();
        _model.Chunks = ["Hello", " from", " the", " model"];
        _server = ServerProcess.Start(_root, new Dictionary<string, string>
        {
            ["Workflows:DataDir"] = DataDir,
            ["Workflows:AppsDir"] = AppsDir,
            ["Workflows:Limits:RequestsPerSecond"] = "0",
            ["Workflows:Outbound:Allow:0"] = "127.0.0.1",
            ["Workflows:Models:DefaultProvider"] = "fake",
            ["Workflows:Models:Providers:fake:Endpoint"] = _model.Endpoint,
            ["Workflows:Models:Providers:fake:ApiKey"] = "test-key",
            ["Workflows:Models:Providers:fake:Model"] = "test-model",
        });
        using var ready = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _server.WaitUntilReadyAsync(ready.Token);
    }

    /// <summary>The environment that points the CLI at this server with <paramref name="token"/> (admin by default)
    /// and a profile file of the test's own.</summary>
    public Dictionary<string, string?> Environment(string? token = null, string? profile = null) => new()
    {
        ["WORKFLOWS_SERVER"] = GrpcUrl,
        ["WORKFLOWS_TOKEN"] = token ?? AdminToken,
        ["WORKFLOWS_CONFIG"] = profile ?? Path.Combine(_root, "no-profile.json"),
    };

    /// <summary>Runs the CLI piped, against this server as admin.</summary>
    public Task<CliResult> RunAsync(params string[] args) => CliProcess.RunAsync(Environment(), args);

    public async Task DisposeAsync()
    {
        _server?.Dispose();
        if (_model is not null)
        {
            await _model.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the stopping server; the temp dir is cleaned by the OS.
        }
    }

    public static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
        }
    }
}
