using Microsoft.Extensions.Diagnostics.HealthChecks;
using Workflows.Blocks;
using Workflows.Engine;
using Workflows.Engine.Apps;
using Workflows.Engine.Jobs;
using Workflows.Engine.Retention;
using Workflows.Security;
using Workflows.Blocks.Scripting;
using Workflows.Server.Api;
using Workflows.Server.Auth;
using Workflows.Server.Delivery;
using Workflows.Server.Files;
using Workflows.Storage.Postgres;
using Workflows.Storage.Sqlite;

namespace Workflows.Server.Hosting;

/// <summary>The host's building blocks, each one call in Program.cs.</summary>
internal static class ServerExtensions
{
    /// <summary>Options, store, engine and callback delivery.</summary>
    public static WebApplicationBuilder AddWorkflowsCore(this WebApplicationBuilder builder)
    {
        var paths = DataPaths.From(builder.Configuration, builder.Environment);
        var services = builder.Services;
        services.AddSingleton(paths);
        services.AddOptions<WorkflowsOptions>().BindConfiguration(WorkflowsOptions.Section);
        services.AddOptions<JobOptions>().BindConfiguration("Workflows:Jobs")
            .Validate(jobs => jobs.IdempotencyKeyTtl > TimeSpan.Zero, "Workflows:Jobs:IdempotencyKeyTtl must be positive")
            .ValidateOnStart();
        services.AddWorkflowsRateLimits();
        services.AddOptions<ScriptOptions>().BindConfiguration(ScriptOptions.SectionName);
        services.AddOptions<Blocks.Net.OutboundOptions>().BindConfiguration(Blocks.Net.OutboundOptions.SectionName);
        services.AddOptions<Blocks.Models.ModelOptions>().BindConfiguration(Blocks.Models.ModelOptions.SectionName).ValidateOnStart();
        services.AddOptions<DeliveryOptions>().BindConfiguration("Workflows:Delivery");
        services.AddOptions<AppCatalogOptions>().BindConfiguration("Workflows:Apps").Configure(o => o.AppsDir = paths.AppsDir);
        services.AddWorkflowsStorage(builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions(), paths);
        services.AddWorkflowEngine();
        services.AddWorkflowBlocks();
        services.AddSingleton<ICallbackPayloadFactory, CallbackPayloadFactory>();
        services.AddSingleton(sp => new WebhookSecrets(paths.DataDir, sp.GetRequiredService<TimeProvider>()));
        // Callbacks go through the outbound guard too: a callback URL must not reach loopback or private hosts.
        services.AddHttpClient(CallbackDispatcher.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<Blocks.Net.OutboundGuard>().CreateHandler());
        services.AddHostedService<EngineStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<JobLeaseKeeper>());
        services.AddHostedService<CallbackDispatcher>();
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName);
        services.AddHostedService<RetentionService>();
        // Progress events of jobs running here go to their progress URL, through the same guarded client.
        services.AddSingleton<ProgressForwarder>();
        services.AddSingleton<IJobRunListener>(sp => sp.GetRequiredService<ProgressForwarder>());
        services.AddHostedService(sp => sp.GetRequiredService<ProgressForwarder>());
        services.AddWorkflowsAuth(builder.Configuration, paths);
        services.AddWorkflowsFiles(builder.Configuration, paths);
        return builder;
    }

    /// <summary>
    /// The store <c>Workflows:Storage:Provider</c> names: SQLite in the data dir (one node), or PostgreSQL (any number of
    /// nodes sharing it, woken by each other's commits through LISTEN/NOTIFY).
    /// </summary>
    private static void AddWorkflowsStorage(this IServiceCollection services, StorageOptions storage, DataPaths paths)
    {
        switch (storage.Provider.ToUpperInvariant())
        {
            case "SQLITE":
                services.UseSqliteStorage(paths.DatabasePath);
                break;
            case "POSTGRES" or "POSTGRESQL":
                if (string.IsNullOrWhiteSpace(storage.ConnectionString))
                {
                    throw new InvalidOperationException("Workflows:Storage:ConnectionString is required when Workflows:Storage:Provider is Postgres");
                }

                services.UsePostgresStorage(storage.ConnectionString);
                break;
            default:
                throw new InvalidOperationException($"Workflows:Storage:Provider '{storage.Provider}' is not known; use Sqlite or Postgres");
        }
    }

    /// <summary>gRPC with transcoding, reflection and health checks.</summary>
    public static WebApplicationBuilder AddWorkflowsApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<EngineErrorInterceptor>();
            grpc.MaxReceiveMessageSize = 32 * 1024 * 1024;
        }).AddJsonTranscoding();
        builder.Services.AddGrpcReflection();
        // grpc.health.v1 reports UNKNOWN when no check is registered: a process that answers is serving.
        builder.Services.AddGrpcHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy());
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 32 * 1024 * 1024);
        return builder;
    }

    /// <summary>Middleware and endpoints.</summary>
    public static WebApplication MapWorkflowsApi(this WebApplication app)
    {
        app.UseMiddleware<RecipeErrorMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseMiddleware<JsonBodyValidationMiddleware>();
        app.MapGrpcService<WorkflowApi>().RequireRateLimiting(RateLimits.Policy);
        app.MapGrpcService<DeveloperApi>().RequireRateLimiting(RateLimits.Policy);
        app.MapGrpcService<RecipeApi>().RequireRateLimiting(RateLimits.Policy);
        app.MapFileEndpoints();
        app.MapGrpcReflectionService();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapHealthChecks("/healthz").AllowAnonymous();
        return app;
    }
}
