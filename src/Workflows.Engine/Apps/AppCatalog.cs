using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Apps;

/// <summary>The apps folder plus the API-stored apps, validated, cached and swapped atomically on change.</summary>
public sealed class AppCatalog(BlockRegistry blocks, IAppStore store, IOptions<AppCatalogOptions> options, ILogger<AppCatalog> logger)
    : IAppCatalog, IDisposable
{
    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) => throw new NotImplementedException($"{blocks}{store}{options}{logger}");

    /// <inheritdoc />
    public IReadOnlyList<AppDefinition> ListApps(string organizationId) => throw new NotImplementedException();

    /// <inheritdoc />
    public AppDefinition? GetApp(string organizationId, string appId) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<AppDefinition> PutAppAsync(StoredApp app, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<bool> DeleteAppAsync(string organizationId, string appId, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public void Dispose() { }
}
