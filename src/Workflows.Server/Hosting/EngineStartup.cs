using Microsoft.Extensions.Options;
using Workflows.Engine.Apps;
using Workflows.Engine.Jobs;
using Workflows.Security;
using Workflows.Engine.Storage;

namespace Workflows.Server.Hosting;

/// <summary>
/// Start-up, in order: migrate the store, read the signing key (creating it on the first start), load the apps, take over the unfinished jobs no live node holds (the first
/// heartbeat), and (when configured)
/// write a development admin token to the data dir.
/// </summary>
internal sealed partial class EngineStartup(
    IJobStore store,
    IAppCatalog catalog,
    JobLeaseKeeper leases,
    ClusterNode node,
    Auth.ServiceSecrets secrets,
    IServiceProvider services,
    DataPaths paths,
    IOptions<WorkflowsOptions> options,
    ILogger<EngineStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(paths.DataDir);
        await store.InitializeAsync(cancellationToken);
        await secrets.LoadAsync(cancellationToken);
        await catalog.InitializeAsync(cancellationToken);
        var resumed = await leases.BeatAsync(cancellationToken);
        LogStarted(logger, node.Id, store.GetType().Name, paths.DataDir, paths.AppsDir, resumed);
        if (options.Value.Auth.WriteDevToken)
        {
            var path = Path.Combine(paths.DataDir, "dev-token");
            var token = services.GetRequiredService<TokenIssuer>().Create("default", TokenClaims.AdminAction, "Workflow", TimeSpan.FromDays(30), []);
            await File.WriteAllTextAsync(path, token.Token + "\n", cancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            LogDevToken(logger, path);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} on {Store}; data in {DataDir}, apps from {AppsDir}; took over {Resumed} unfinished jobs")]
    private static partial void LogStarted(ILogger logger, string nodeId, string store, string dataDir, string appsDir, int resumed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Development admin token (organisation 'default') written to {Path}")]
    private static partial void LogDevToken(ILogger logger, string path);
}
