using Workflows.Engine.Files;
using Workflows.Security;
using Workflows.Server.Hosting;

namespace Workflows.Server.Files;

/// <summary>The host's part of files: the store under the data dir, signed links and artifacts.</summary>
internal static class FilesServerExtensions
{
    /// <summary>
    /// Binds <c>Workflows:Files</c> (the store lives in <c>DATA_DIR/files</c> unless <c>Workflows:Files:RootPath</c> says
    /// otherwise) and registers the link signer, keyed from the token signing key.
    /// </summary>
    public static IServiceCollection AddWorkflowsFiles(this IServiceCollection services, IConfiguration configuration, DataPaths paths)
    {
        services.AddOptions<FileStoreOptions>()
            .Configure(o => o.RootPath = Path.Combine(paths.DataDir, "files"))
            .BindConfiguration(FileStoreOptions.SectionName)
            .ValidateOnStart();
        var signingKey = (configuration.GetSection(WorkflowsOptions.Section).Get<WorkflowsOptions>() ?? new WorkflowsOptions()).Auth.SigningKey;
        services.AddSingleton(sp => new FileLinkSigner(SigningKeys.LoadOrCreate(paths.DataDir, signingKey), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<JobArtifacts>();
        return services;
    }
}
