using Workflows.Engine.Storage.InMemory.Internal;

namespace Workflows.Engine.Storage.InMemory;

public sealed partial class InMemoryStore
{
    /// <inheritdoc />
    public Task PutAppAsync(StoredApp app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        // A copy: the caller's dictionary may change after the put.
        var stored = app with
        {
            Workflows = new Dictionary<string, string>(app.Workflows, StringComparer.Ordinal),
            UpdatedAt = StoredTime.Of(app.UpdatedAt),
        };
        return Locked(stored, static (store, app) => store._apps[(app.OrganizationId, app.Id)] = app, cancellationToken);
    }

    /// <inheritdoc />
    public Task<StoredApp?> GetAppAsync(string organizationId, string appId, CancellationToken cancellationToken) =>
        Locked((organizationId, appId), static (store, key) => store._apps.GetValueOrDefault(key), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredApp>> ListAppsAsync(CancellationToken cancellationToken) =>
        Locked<bool, IReadOnlyList<StoredApp>>(
            true,
            static (store, _) => store._apps.Values
                .OrderBy(app => app.OrganizationId, StringComparer.Ordinal)
                .ThenBy(app => app.Id, StringComparer.Ordinal)
                .ToList(),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteAppAsync(string organizationId, string appId, CancellationToken cancellationToken) =>
        Locked((organizationId, appId), static (store, key) => store._apps.Remove(key), cancellationToken);

    /// <inheritdoc />
    public Task SaveDefinitionAsync(string hash, string source, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(hash);
        ArgumentNullException.ThrowIfNull(source);
        return Locked((hash, source), static (store, definition) => store._definitions.TryAdd(definition.hash, definition.source), cancellationToken);
    }

    /// <inheritdoc />
    public Task<string?> GetDefinitionAsync(string hash, CancellationToken cancellationToken) =>
        Locked(hash, static (store, hash) => store._definitions.GetValueOrDefault(hash), cancellationToken);
}
