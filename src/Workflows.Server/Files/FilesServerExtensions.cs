namespace Workflows.Server.Files;

/// <summary>The host's part of files: the artifacts a job publishes. Download links are signed by the security part.</summary>
internal static class FilesServerExtensions
{
    public static IServiceCollection AddWorkflowsFiles(this IServiceCollection services) =>
        services.AddSingleton<JobArtifacts>();
}
