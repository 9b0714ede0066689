using Workflows.Engine.Definitions;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Apps;

/// <summary>
/// Every loaded app: those of the apps folder (reloaded when files change) and those put through the API.
/// Lookups never cross organisations.
/// </summary>
public interface IAppCatalog
{
    /// <summary>Loads the apps folder and the stored apps; call once at start.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>The organisation's apps, ordered by id.</summary>
    IReadOnlyList<AppDefinition> ListApps(string organizationId);

    /// <summary>Every organisation's apps.</summary>
    IReadOnlyList<AppDefinition> ListAllApps();

    /// <summary>Grows each time the loaded apps change (a reload, a put or a delete).</summary>
    long Version { get; }

    /// <summary>An app of the organisation, or null.</summary>
    AppDefinition? GetApp(string organizationId, string appId);

    /// <summary>
    /// Validates every workflow of <paramref name="app"/>, then stores and publishes it; throws
    /// <see cref="DefinitionException"/> (nothing stored) when any part is invalid, and
    /// <see cref="InvalidOperationException"/> when a folder app has that id.
    /// </summary>
    Task<AppDefinition> PutAppAsync(StoredApp app, CancellationToken cancellationToken);

    /// <summary>Deletes an API app; false when the organisation has no such API app.</summary>
    Task<bool> DeleteAppAsync(string organizationId, string appId, CancellationToken cancellationToken);
}
