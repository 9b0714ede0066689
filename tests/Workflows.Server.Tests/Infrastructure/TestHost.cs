using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Workflows.Engine.Blocks;
using Workflows.Server;

namespace Workflows.Server.Tests.Infrastructure;

/// <summary>
/// Builds the real service for a test, the one way every in-process test server is made: two loopback endpoints
/// (REST over HTTP/1.1, gRPC over h2c), its own data and apps folders, warnings-only logging, and the engine's blocks
/// plus the test-only ones (such as <see cref="GateBlock"/>).
/// </summary>
public static class TestHost
{
    /// <summary>Builds (does not start) a server; <paramref name="settings"/> are applied over the endpoint and folder settings.</summary>
    public static WebApplication Build(
        string restUrl, string grpcUrl, string dataDir, string appsDir, IEnumerable<KeyValuePair<string, string?>> settings, TimeProvider? time = null) =>
        Program.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Kestrel:Endpoints:Rest:Url"] = restUrl,
                ["Kestrel:Endpoints:Rest:Protocols"] = "Http1",
                ["Kestrel:Endpoints:Grpc:Url"] = grpcUrl,
                ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
                ["Workflows:DataDir"] = dataDir,
                ["Workflows:AppsDir"] = appsDir,
            });
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            if (time is not null)
            {
                builder.Services.AddSingleton(time);
            }

            builder.Services.AddBlocksFrom(typeof(GateBlock).Assembly);
        });

    /// <summary>Copies the repo's sample apps and the test apps into <paramref name="appsDir"/>.</summary>
    public static void CopyApps(string appsDir)
    {
        CopyDirectory(Path.Combine(ServerFixture.RepoRoot(), "apps"), appsDir);
        CopyTestApps(appsDir);
    }

    /// <summary>Copies the test apps (not the repo's samples) into <paramref name="appsDir"/>.</summary>
    public static void CopyTestApps(string appsDir) => CopyDirectory(Path.Combine(AppContext.BaseDirectory, "TestApps"), appsDir);

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
