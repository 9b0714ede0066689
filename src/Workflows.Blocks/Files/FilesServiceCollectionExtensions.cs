using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Workflows.Blocks.Net;
using Workflows.Engine.Files;

namespace Workflows.Blocks.Files;

/// <summary>Registers the file store and the launch variable file resolver.</summary>
public static class FilesServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="FileStoreOptions"/>, the file store <see cref="FileStoreOptions.Store"/> names (the disk store
    /// under <see cref="FileStoreOptions.RootPath"/>, which the host points at its data dir, or the database store over
    /// the registered <see cref="IFileChunkStore"/>) and <see cref="FileInputResolver"/> with the guarded outbound client
    /// it fetches with.
    /// </summary>
    public static IServiceCollection AddWorkflowFiles(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<FileStoreOptions>()
            .Validate(o => o.MaxFileBytes > 0, "Workflows:Files:MaxFileBytes must be positive")
            .Validate(o => o.UsesDatabase || !string.IsNullOrWhiteSpace(o.RootPath), "the file store needs a folder")
            .Validate(
                o => o.Store is null || o.UsesDatabase || string.Equals(o.Store, FileStoreOptions.DiskStore, StringComparison.OrdinalIgnoreCase),
                $"Workflows:Files:Store must be {FileStoreOptions.DatabaseStore} or {FileStoreOptions.DiskStore}");
        services.AddOutboundHttp();
        services.TryAddSingleton<IFileStore>(sp => sp.GetRequiredService<IOptions<FileStoreOptions>>().Value.UsesDatabase
            ? new DatabaseFileStore(
                sp.GetService<IFileChunkStore>() ?? throw new InvalidOperationException(
                    $"Workflows:Files:Store is {FileStoreOptions.DatabaseStore}, but the store keeps no files"),
                sp.GetRequiredService<IOptions<FileStoreOptions>>(),
                sp.GetRequiredService<TimeProvider>())
            : ActivatorUtilities.CreateInstance<DiskFileStore>(sp));
        services.TryAddSingleton<FileInputResolver>();
        services.Replace(ServiceDescriptor.Singleton<IFileInputResolver>(sp => sp.GetRequiredService<FileInputResolver>()));
        return services;
    }
}
