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
        return await ReadAsync(
            (organizationId, appId),
            static (connection, key) => connection.Command(Sql.SelectApp)
                .Set("$org", key.organizationId).Set("$id", key.appId).ReadFirst(RowMapper<SqliteColumns>.ReadApp),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredApp>> ListAppsAsync(CancellationToken cancellationToken) =>
        ReadAsync<bool, IReadOnlyList<StoredApp>>(
            true, static (connection, _) => connection.Command(Sql.ListApps).ReadAll(RowMapper<SqliteColumns>.ReadApp), cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteAppAsync(string organizationId, string appId, CancellationToken cancellationToken) =>
        WriteAsync((organizationId, appId), AppRows.Delete, cancellationToken);

    /// <inheritdoc />
    public Task SaveDefinitionAsync(string hash, string source, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(hash);
        ArgumentNullException.ThrowIfNull(source);
        return WriteAsync((hash, source, UnixTime.ToMilliseconds(now)), AppRows.InsertDefinition, cancellationToken);
    }

    /// <inheritdoc />
    public Task<string?> GetDefinitionAsync(string hash, CancellationToken cancellationToken) =>
        ReadAsync<string, string?>(
            hash,
            static (connection, hash) => connection.Command(Sql.SelectDefinition).Set("$hash", hash).ReadFirst(reader => reader.GetString(0)),
            cancellationToken);
}
