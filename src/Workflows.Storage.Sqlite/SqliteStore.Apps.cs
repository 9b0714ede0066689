using Workflows.Engine.Storage;
using Workflows.Storage.Sqlite.Internal;

namespace Workflows.Storage.Sqlite;

public sealed partial class SqliteStore
{
    /// <inheritdoc />
    public Task PutAppAsync(StoredApp app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        return WriteAsync((app, StoredJson.WriteMap(app.Workflows)), AppRows.Upsert, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<StoredApp?> GetAppAsync(string organizationId, string appId, CancellationToken cancellationToken)
    {
        var apps = await ReadAsync(
            (organizationId, appId),
            static (connection, key) => AppRows.Read(
                connection.Command(AppRows.SelectSql).Set("$org", key.organizationId).Set("$id", key.appId)),
            cancellationToken);
        return apps.Count == 0 ? null : apps[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredApp>> ListAppsAsync(CancellationToken cancellationToken) =>
        ReadAsync<bool, IReadOnlyList<StoredApp>>(
            true, static (connection, _) => AppRows.Read(connection.Command(AppRows.ListSql)), cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteAppAsync(string organizationId, string appId, CancellationToken cancellationToken) =>
        WriteAsync((organizationId, appId), AppRows.Delete, cancellationToken);
}
