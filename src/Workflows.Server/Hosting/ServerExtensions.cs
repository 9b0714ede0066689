using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Workflows.Blocks.Net;
using Workflows.Engine.Jobs;
using Workflows.Engine.Retention;
using Workflows.Engine.Storage.InMemory;
using Workflows.Server.Api;
using Workflows.Server.Delivery;
using Workflows.Storage.Postgres;
using Workflows.Storage.Sqlite;

namespace Workflows.Server.Hosting;

/// <summary>The host's parts, each one call in Program.cs.</summary>
internal static class ServerExtensions
{
    /// <summary>
    /// The store <c>Workflows:Storage:Provider</c> names: SQLite in the data dir (one node), PostgreSQL (any number of
    /// nodes sharing it, woken by each other's commits through LISTEN/NOTIFY), or memory (demos; nothing survives).
    /// </summary>
    public static IServiceCollection AddWorkflowsStorage(this IServiceCollection services, HostSettings settings)
    {
        var storage = settings.Storage;
        return storage.IsPostgres ? services.UsePostgresStorage(storage.ConnectionString!)
            : storage.IsInMemory ? services.UseInMemoryStorage()
            : services.UseSqliteStorage(settings.Paths.DatabasePath);
    }

    /// <summary>Signed callbacks from the outbox, and progress events forwarded to their progress URL.</summary>
    public static IServiceCollection AddCallbackDelivery(this IServiceCollection services)
    {
        services.AddSingleton<ICallbackPayloadFactory, CallbackPayloadFactory>();
        // Callbacks go through the outbound guard too: a callback URL must not reach loopback or private hosts.
        services.AddHttpClient(CallbackDispatcher.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundGuard>().CreateHandler());
        services.AddHostedService<CallbackDispatcher>();
        services.AddSingleton<ProgressForwarder>();
        services.AddSingleton<IJobRunListener>(sp => sp.GetRequiredService<ProgressForwarder>());
        services.AddHostedService(sp => sp.GetRequiredService<ProgressForwarder>());
        return services;
    }

    /// <summary>Start-up (migrate, load apps, take over jobs), the lease heartbeat, the retention pass and the scheduler.</summary>
    public static IServiceCollection AddBackgroundWork(this IServiceCollection services)
    {
        services.AddHostedService<EngineStartup>();
        // After EngineStartup: reads the revoked tokens from the migrated store before the node serves.
        services.AddHostedService(sp => sp.GetRequiredService<Auth.RevokedTokens>());
        services.AddHostedService(sp => sp.GetRequiredService<JobLeaseKeeper>());
        services.AddHostedService(sp => sp.GetRequiredService<JobWaker>());
        services.AddHostedService<RetentionService>();
        // After EngineStartup (hosted services start in order): the store is migrated and the apps are loaded.
        services.AddHostedService(sp => sp.GetRequiredService<Engine.Schedules.Scheduler>());
        return services;
    }

    /// <summary>gRPC with transcoding, reflection and health checks.</summary>
    public static IServiceCollection AddWorkflowsApi(this IServiceCollection services)
    {
        services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<EngineErrorInterceptor>();
            grpc.MaxReceiveMessageSize = 32 * 1024 * 1024;
        }).AddJsonTranscoding();
        services.AddGrpcReflection();
        // grpc.health.v1 reports UNKNOWN when no check is registered: a process that answers is serving. The overall
        // service ("") is in step with /healthz/ready: serving while the store answers (Observability.StoreHealthCheck).
        services.AddGrpcHealthChecks(health => health.Services.Map("", _ => true)).AddCheck("self", () => HealthCheckResult.Healthy());
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = 32 * 1024 * 1024);
        return services;
    }
}
