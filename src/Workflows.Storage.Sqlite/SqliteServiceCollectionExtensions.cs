using Microsoft.Extensions.DependencyInjection;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Sqlite;

/// <summary>Registers the SQLite store.</summary>
public static class SqliteServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="SqliteStore"/> singleton over <paramref name="databasePath"/>, exposed as
    /// <see cref="IJobStore"/>, <see cref="IAppStore"/>, <see cref="Engine.Schedules.IScheduleStore"/>,
    /// <see cref="ISecretStore"/> and <see cref="Engine.Files.IFileChunkStore"/>. The host calls <see cref="IJobStore.InitializeAsync"/> at start.
    /// </summary>
    public static IServiceCollection UseSqliteStorage(this IServiceCollection services, string databasePath) =>
        services.UseSqliteStorage(options => options.DatabasePath = databasePath);

    /// <summary>Registers the SQLite store with options set by <paramref name="configure"/>.</summary>
    public static IServiceCollection UseSqliteStorage(this IServiceCollection services, Action<SqliteStoreOptions> configure)
    {
        var options = new SqliteStoreOptions();
        configure(options);
        services.AddSingleton(provider =>
        {
            var store = new SqliteStore(options);
            if (options.MaxRunningJobsPerOrganization is null &&
                provider.GetService<Microsoft.Extensions.Options.IOptions<Engine.Jobs.LimitOptions>>() is { } limits)
            {
                // The engine's setting, so a claim holds to it as a start does.
                store.MaxRunningJobsPerOrganization = limits.Value.MaxConcurrentJobs;
            }
            return store;
        });
        services.AddSingleton<IJobStore>(provider => provider.GetRequiredService<SqliteStore>());
        services.AddSingleton<IAppStore>(provider => provider.GetRequiredService<SqliteStore>());
        services.AddSingleton<Engine.Schedules.IScheduleStore>(provider => provider.GetRequiredService<SqliteStore>());
        services.AddSingleton<Engine.Storage.ITokenRevocationStore>(provider => provider.GetRequiredService<SqliteStore>());
        services.AddSingleton<ISecretStore>(provider => provider.GetRequiredService<SqliteStore>());
        services.AddSingleton<Engine.Files.IFileChunkStore>(provider => provider.GetRequiredService<SqliteStore>());
        return services;
    }
}
