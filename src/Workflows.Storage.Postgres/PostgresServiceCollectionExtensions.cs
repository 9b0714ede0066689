using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Postgres;

/// <summary>Registers the PostgreSQL store.</summary>
public static class PostgresServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="PostgresStore"/> singleton over <paramref name="connectionString"/>, exposed as
    /// <see cref="IJobStore"/>, <see cref="IAppStore"/>, <see cref="Engine.Schedules.IScheduleStore"/>,
    /// <see cref="ISecretStore"/> and <see cref="Engine.Files.IFileChunkStore"/>, and the <see cref="PostgresJobChangeListener"/> hosted service
    /// (it needs the engine's <see cref="Engine.Jobs.RemoteJobChanges"/>). The host calls
    /// <see cref="IJobStore.InitializeAsync"/> at start.
    /// </summary>
    public static IServiceCollection UsePostgresStorage(this IServiceCollection services, string connectionString) =>
        services.UsePostgresStorage(options => options.ConnectionString = connectionString);

    /// <summary>Registers the PostgreSQL store and its change listener with options set by <paramref name="configure"/>.</summary>
    public static IServiceCollection UsePostgresStorage(this IServiceCollection services, Action<PostgresStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PostgresStoreOptions();
        configure(options);
        services.AddSingleton(options);
        services.AddSingleton(provider =>
        {
            var store = new PostgresStore(options);
            if (options.MaxRunningJobsPerOrganization is null &&
                provider.GetService<Microsoft.Extensions.Options.IOptions<Engine.Jobs.LimitOptions>>() is { } limits)
            {
                // The engine's setting: the store enforces it for every node.
                store.MaxRunningJobsPerOrganization = limits.Value.MaxConcurrentJobs;
            }
            return store;
        });
        services.AddSingleton<IJobStore>(provider => provider.GetRequiredService<PostgresStore>());
        services.AddSingleton<IAppStore>(provider => provider.GetRequiredService<PostgresStore>());
        services.AddSingleton<Engine.Schedules.IScheduleStore>(provider => provider.GetRequiredService<PostgresStore>());
        services.AddSingleton<Engine.Storage.ITokenRevocationStore>(provider => provider.GetRequiredService<PostgresStore>());
        services.AddSingleton<ISecretStore>(provider => provider.GetRequiredService<PostgresStore>());
        services.AddSingleton<Engine.Files.IFileChunkStore>(provider => provider.GetRequiredService<PostgresStore>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgresJobChangeListener>());
        return services;
    }
}
