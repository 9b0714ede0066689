using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Workflows.Contracts.V1;
using Workflows.Security;

namespace Workflows.WebConsole.Tests.Infrastructure;

/// <summary>
/// The real service in process on two loopback ports (REST with the console, gRPC), with the sample apps and the
/// console's test apps, and one headless Debian Chromium that every test opens its own browser context in.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    /// <summary>Where Debian's chromium package puts the browser; Playwright never downloads one here.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private WebApplication? _app;
    private string _dataDir = "";
    private IPlaywright? _playwright;

    /// <summary>The model provider the sample <c>writer</c> app calls (default provider, priced).</summary>
    public FakeModelServer Model { get; private set; } = default!;

    public string BaseUrl { get; private set; } = "";

    public GrpcChannel Channel { get; private set; } = default!;

    public WorkflowService.WorkflowServiceClient Grpc => new(Channel);

    public IBrowser Browser { get; private set; } = default!;

    public TokenIssuer Tokens { get; private set; } = default!;

    /// <summary>Where the tests' screenshots go (kept after the run as artifacts).</summary>
    public static string ScreenshotDir { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public string AdminToken(string org = "default") => Tokens.Create(org, "admin", "Workflow", TimeSpan.FromHours(1), []).Token;

    public static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Directory.CreateDirectory(ScreenshotDir);
        _dataDir = Path.Combine(Path.GetTempPath(), "wf-console-" + Guid.NewGuid().ToString("N"));
        var appsDir = Path.Combine(_dataDir, "apps");
        CopyDirectory(Path.Combine(RepoRoot(), "apps"), appsDir);
        CopyDirectory(Path.Combine(AppContext.BaseDirectory, "TestApps"), appsDir);
        Model = await FakeModelServer.StartAsync();
        BaseUrl = $"http://127.0.0.1:{FreePort()}";
        var grpcUrl = $"http://127.0.0.1:{FreePort()}";

        // The host's name and Development environment: the console's static files are found through the server's
        // static web assets manifest, as under `dotnet run`.
        _app = Server.Program.Build(["--applicationName=Workflows.Server", "--environment=Development"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Kestrel:Endpoints:Rest:Url"] = BaseUrl,
                ["Kestrel:Endpoints:Rest:Protocols"] = "Http1",
                ["Kestrel:Endpoints:Grpc:Url"] = grpcUrl,
                ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
                ["Workflows:DataDir"] = Path.Combine(_dataDir, "data"),
                ["Workflows:AppsDir"] = appsDir,
                ["Workflows:Organizations:acme:Name"] = "Acme",
                ["Workflows:Models:DefaultProvider"] = "fake",
                ["Workflows:Models:Providers:fake:Endpoint"] = Model.Endpoint,
                ["Workflows:Models:Providers:fake:ApiKey"] = "test-key",
                ["Workflows:Models:Providers:fake:Model"] = "fake-model",
                ["Workflows:Models:Prices:fake-model:InputPerMillion"] = "1000",
                ["Workflows:Models:Prices:fake-model:OutputPerMillion"] = "2000",
                ["Workflows:Outbound:Allow:0"] = "127.0.0.1",
            });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await _app.StartAsync();
        Channel = GrpcChannel.ForAddress(grpcUrl);
        Tokens = _app.Services.GetRequiredService<TokenIssuer>();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // As root in a container: no sandbox. No background traffic: nothing but the page's own requests.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
        Assertions.SetDefaultExpectTimeout(20_000);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Model is not null)
        {
            await Model.DisposeAsync();
        }

        Channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still open after a slow shutdown; the temp dir is the OS's to clean.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Grpc.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Grpc.sln not found above " + AppContext.BaseDirectory);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}

/// <summary>The tests that share one server and one browser.</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "Console";
}
