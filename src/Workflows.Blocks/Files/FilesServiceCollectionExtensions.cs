using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Workflows.Blocks.Net;
using Workflows.Engine.Files;

namespace Workflows.Blocks.Files;

/// <summary>Registers the file store and the launch variable file resolver.</summary>
public static class FilesServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="FileStoreOptions"/>, the disk store (under <see cref="FileStoreOptions.RootPath"/>, which the
    /// host points at its data dir) and <see cref="FileInputResolver"/> with the guarded outbound client it fetches with.
    /// </summary>
    public static IServiceCollection AddWorkflowFiles(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<FileStoreOptions>()
            .Validate(o => o.MaxFileBytes > 0, "Workflows:Files:MaxFileBytes must be positive")
            .Validate(o => !string.IsNullOrWhiteSpace(o.RootPath), "the file store needs a folder");
        services.AddOutboundHttp();
        services.TryAddSingleton<IFileStore, DiskFileStore>();
        services.TryAddSingleton<FileInputResolver>();
        services.Replace(ServiceDescriptor.Singleton<IFileInputResolver>(sp => sp.GetRequiredService<FileInputResolver>()));
        return services;
    }
}
