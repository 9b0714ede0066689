using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Workflows.Engine.Apps;
using Workflows.Engine.Blocks;
using Workflows.Engine.Execution;
using Workflows.Engine.Files;
using Workflows.Engine.Jobs;
using Workflows.Engine.Models;
using Workflows.Engine.Net;
using Workflows.Engine.Scripting;
using Workflows.Engine.Templating;

namespace Workflows.Engine;

/// <summary>Registers the engine: blocks, executor, app catalog and the job runtime.</summary>
public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// Adds the engine's services. A store (<see cref="Storage.IJobStore"/>, <see cref="Storage.IAppStore"/>) and an
    /// <see cref="ICallbackPayloadFactory"/> must be registered by the host.
    /// </summary>
    public static IServiceCollection AddWorkflowEngine(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<AppCatalogOptions>();
        services.AddOptions<JobOptions>();
        services.AddOptions<LimitOptions>();
        services.AddOptions<ScriptOptions>();
        services.TryAddSingleton(TemplateRenderer.Shared);
        services.TryAddSingleton<ScriptRunner>();
        services.AddModelProviders();
        services.AddOutboundHttp();
        services.AddWorkflowFiles();
        services.TryAddSingleton(sp => BlockRegistry.FromAssemblies(sp, typeof(BlockRegistry).Assembly));
        services.TryAddSingleton<WorkflowExecutor>();
        services.TryAddSingleton<AppCatalog>();
        services.TryAddSingleton<IAppCatalog>(sp => sp.GetRequiredService<AppCatalog>());
        services.AddOptions<NodeOptions>().BindConfiguration(NodeOptions.SectionName)
            .Validate(node => node.Validate() is null, "Workflows:Node: HeartbeatInterval must be positive and LeaseDuration at least twice as long")
            .ValidateOnStart();
        services.TryAddSingleton<ClusterNode>();
        services.TryAddSingleton<JobLeaseKeeper>();
        services.TryAddSingleton<RemoteJobChanges>();
        services.TryAddSingleton<JobEventHub>();
        services.TryAddSingleton<JobRunner>();
        services.TryAddSingleton<JobService>();
        services.TryAddSingleton<DeliveryService>();
        services.TryAddSingleton<IChildJobRunner, Jobs.Internal.ChildJobRunner>();
        return services;
    }
}
