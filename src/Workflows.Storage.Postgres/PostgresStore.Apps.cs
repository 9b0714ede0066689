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
            AppRows.SelectSql,
            parameters => parameters.Text("org", organizationId).Text("id", appId),
            static async (reader, ct) => (await AppRows.ReadAsync(reader, ct)).FirstOrDefault(),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredApp>> ListAppsAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<StoredApp>>(
            AppRows.ListSql,
            static _ => { },
            static async (reader, ct) => await AppRows.ReadAsync(reader, ct),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteAppAsync(string organizationId, string appId, CancellationToken cancellationToken) =>
        WriteAsync((organizationId, appId), AppRows.DeleteAsync, cancellationToken);
}
