using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Workflows.Engine.Apps;
using Workflows.Engine.Definitions;
using Workflows.Engine.Blocks;
using Workflows.Engine.Execution;
using Workflows.Engine.Files;
using Workflows.Engine.Files.Internal;
using Workflows.Engine.Jobs;
using Workflows.Engine.Templating;

namespace Workflows.Engine;

/// <summary>Registers the engine: the block registry, executor, app catalog and the job runtime.</summary>
public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// Adds the engine's services. Blocks come from <see cref="BlockServiceCollectionExtensions.AddBlock{T}"/> and
    /// <see cref="BlockServiceCollectionExtensions.AddBlocksFrom"/>; a store (<see cref="Storage.IJobStore"/>,
    /// <see cref="Storage.IAppStore"/>, <see cref="Schedules.IScheduleStore"/>) and an <see cref="ICallbackPayloadFactory"/> must be registered by the host.
    /// </summary>
    public static IServiceCollection AddWorkflowEngine(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new TemplateRenderer(sp.GetRequiredService<IOptions<Caching.CacheOptions>>().Value.TemplateBytes));
        services.TryAddSingleton<IFileInputResolver, NoFileInputs>();
        services.TryAddSingleton(sp => BlockRegistry.FromTypes(sp, sp.GetRequiredService<IOptions<BlockRegistrationOptions>>().Value.BlockTypes));
        services.TryAddSingleton<WorkflowExecutor>();
        services.TryAddSingleton<AppCatalog>();
        services.TryAddSingleton<IAppCatalog>(sp => sp.GetRequiredService<AppCatalog>());
        services.TryAddSingleton<ClusterNode>();
        services.TryAddSingleton<JobLeaseKeeper>();
        services.TryAddSingleton<JobWakeSchedule>();
        services.TryAddSingleton<JobWaker>();
        services.TryAddSingleton<RemoteJobChanges>();
        services.TryAddSingleton<JobEventHub>();
        services.TryAddSingleton<JobRunner>();
        services.TryAddSingleton<JobService>();
        services.TryAddSingleton<WorkflowVersions>();
        services.TryAddSingleton<DeliveryService>();
        services.TryAddSingleton<IChildJobRunner, Jobs.Internal.ChildJobRunner>();
        services.TryAddSingleton<Schedules.ScheduleSignal>();
        services.TryAddSingleton<Schedules.ScheduleService>();
        services.TryAddSingleton<Schedules.ScheduleDeclarations>();
        services.TryAddSingleton<Schedules.Scheduler>();
        return services;
    }
}
