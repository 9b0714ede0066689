using Microsoft.Extensions.DependencyInjection;

namespace Workflows.Engine.Storage.InMemory;

/// <summary>Registers the in-memory store.</summary>
public static class InMemoryServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="InMemoryStore"/> singleton, exposed as <see cref="IJobStore"/>,
    /// <see cref="IAppStore"/>, <see cref="Schedules.IScheduleStore"/>, <see cref="ITokenRevocationStore"/>, <see cref="ISecretStore"/> and <see cref="Files.IFileChunkStore"/>, on the registered <see cref="TimeProvider"/> (the system clock when there is none).
    /// Nothing survives the process: for tests and throwaway runs.
    /// </summary>
    public static IServiceCollection UseInMemoryStorage(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(provider => new InMemoryStore(provider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton<IJobStore>(provider => provider.GetRequiredService<InMemoryStore>());
        services.AddSingleton<IAppStore>(provider => provider.GetRequiredService<InMemoryStore>());
        services.AddSingleton<Schedules.IScheduleStore>(provider => provider.GetRequiredService<InMemoryStore>());
        services.AddSingleton<ITokenRevocationStore>(provider => provider.GetRequiredService<InMemoryStore>());
        services.AddSingleton<ISecretStore>(provider => provider.GetRequiredService<InMemoryStore>());
        services.AddSingleton<Files.IFileChunkStore>(provider => provider.GetRequiredService<InMemoryStore>());
        return services;
    }
}
