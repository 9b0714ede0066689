using Workflows.Engine.Storage;
using Workflows.Storage.Postgres.Internal;

namespace Workflows.Storage.Postgres;

public sealed partial class PostgresStore
{
    /// <inheritdoc />
    public Task PutAppAsync(StoredApp app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        return WriteAsync(AppRows.PrepareUpsert(app), AppRows.UpsertAsync, cancellationToken);
    }

    /// <inheritdoc />
    public Task<StoredApp?> GetAppAsync(string organizationId, string appId, CancellationToken cancellationToken) =>
        ReadAsync(
            Sql.SelectApp,
            parameters => parameters.Text("org", organizationId).Text("id", appId),
            static (reader, ct) => Rows.ReadFirstAsync(reader, RowMapper<PostgresColumns>.ReadApp, ct),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredApp>> ListAppsAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<StoredApp>>(
            Sql.ListApps,
            static _ => { },
            static async (reader, ct) => await Rows.ReadAllAsync(reader, RowMapper<PostgresColumns>.ReadApp, ct),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteAppAsync(string organizationId, string appId, CancellationToken cancellationToken) =>
        WriteAsync((organizationId, appId), AppRows.DeleteAsync, cancellationToken);

    /// <inheritdoc />
    public Task SaveDefinitionAsync(string hash, string source, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(hash);
        ArgumentNullException.ThrowIfNull(source);
        return WriteAsync((hash, source, now), AppRows.InsertDefinitionAsync, cancellationToken);
    }

    /// <inheritdoc />
    public Task<string?> GetDefinitionAsync(string hash, CancellationToken cancellationToken) =>
        ReadAsync(
            Sql.SelectDefinition,
            parameters => parameters.Text("hash", hash),
            static (reader, ct) => Rows.ReadFirstAsync(reader, r => r.GetString(0), ct),
            cancellationToken);
}
