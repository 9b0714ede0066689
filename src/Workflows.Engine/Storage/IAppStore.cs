namespace Workflows.Engine.Storage;

/// <summary>
/// Apps put through the API (apps from the apps folder are not stored here), and the workflow definitions jobs started
/// with, by content hash: a job keeps running the definition it started with whatever happens to its app afterwards.
/// </summary>
public interface IAppStore
{
    /// <summary>Creates or replaces an app.</summary>
    Task PutAppAsync(StoredApp app, CancellationToken cancellationToken);

    /// <summary>An app of the organisation, or null.</summary>
    Task<StoredApp?> GetAppAsync(string organizationId, string appId, CancellationToken cancellationToken);

    /// <summary>All stored apps of all organisations (loaded into the catalog at start).</summary>
    Task<IReadOnlyList<StoredApp>> ListAppsAsync(CancellationToken cancellationToken);

    /// <summary>Deletes an app; false when there was none.</summary>
    Task<bool> DeleteAppAsync(string organizationId, string appId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a workflow definition's source under its content hash; storing a hash that is there already changes
    /// nothing (the same hash is the same text). Definitions are never changed or deleted while a job names them.
    /// </summary>
    Task SaveDefinitionAsync(string hash, string source, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The source stored under <paramref name="hash"/>, or null.</summary>
    Task<string?> GetDefinitionAsync(string hash, CancellationToken cancellationToken);
}

/// <summary>An app as the API stores it: its manifest fields and its workflow sources.</summary>
/// <param name="OrganizationId">Owning organisation.</param>
/// <param name="Id">App id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Slug">URL-friendly name.</param>
/// <param name="Description">What it does.</param>
/// <param name="Workflows">Workflow sources by name (without <c>.flow</c>).</param>
/// <param name="UpdatedAt">When it was last put.</param>
public sealed record StoredApp(
    string OrganizationId,
    string Id,
    string Name,
    string Slug,
    string Description,
    IReadOnlyDictionary<string, string> Workflows,
    DateTimeOffset UpdatedAt);
