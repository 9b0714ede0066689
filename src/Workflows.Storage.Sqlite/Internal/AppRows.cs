using Workflows.Engine.Storage;

namespace Workflows.Storage.Sqlite.Internal;

/// <summary>Writes of stored apps (the SQL and the mapping are shared).</summary>
internal static class AppRows
{
    public static bool Upsert(CachedConnection connection, (StoredApp App, string Workflows) put)
    {
        connection.Command(SqliteColumns.Sql.UpsertApp)
            .Set("$org", put.App.OrganizationId)
            .Set("$id", put.App.Id)
            .Set("$name", put.App.Name)
            .Set("$slug", put.App.Slug)
            .Set("$description", put.App.Description)
            .Set("$workflows", put.Workflows)
            .Set("$updated_at", UnixTime.ToMilliseconds(put.App.UpdatedAt))
            .ExecuteNonQuery();
        return true;
    }

    public static bool Delete(CachedConnection connection, (string OrganizationId, string AppId) key) =>
        connection.Command(SqliteColumns.Sql.DeleteApp).Set("$org", key.OrganizationId).Set("$id", key.AppId).ExecuteNonQuery() > 0;

    public static bool InsertDefinition(CachedConnection connection, (string Hash, string Source, long CreatedAt) definition) =>
        connection.Command(SqliteColumns.Sql.InsertDefinition)
            .Set("$hash", definition.Hash)
            .Set("$source", definition.Source)
            .Set("$created_at", definition.CreatedAt)
            .ExecuteNonQuery() > 0;
}
