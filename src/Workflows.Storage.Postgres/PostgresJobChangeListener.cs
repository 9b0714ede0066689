using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Engine.Jobs;
using Workflows.Storage.Postgres.Internal;

namespace Workflows.Storage.Postgres;

/// <summary>
/// Wakes this node's watchers when any node commits to a job: LISTENs on <c>workflows_jobs</c> over a dedicated connection
/// and hands each notification to <see cref="RemoteJobChanges.Committed"/> (a cancel request or a signal for a waiting job
/// to <see cref="RemoteJobChanges.WakeRequested"/>); calls <see cref="RemoteJobChanges.Resync"/>
/// whenever it (re)connects and every <see cref="PostgresStoreOptions.ResyncInterval"/>, so a lost signal only delays an
/// event. Reconnects with backoff when the connection drops and never stops the host. Registered by
/// <see cref="PostgresServiceCollectionExtensions.UsePostgresStorage(Microsoft.Extensions.DependencyInjection.IServiceCollection, string)"/>.
/// </summary>
public sealed class PostgresJobChangeListener(
    PostgresStoreOptions options,
    RemoteJobChanges changes,
    ILogger<PostgresJobChangeListener> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        new JobChangeFeed(options, changes.Committed, changes.Resync, logger, changes.WakeRequested).RunAsync(stoppingToken);
}
