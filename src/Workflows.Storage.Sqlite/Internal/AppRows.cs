using Microsoft.Data.Sqlite;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Sqlite.Internal;

/// <summary>SQL and mapping of stored apps.</summary>
internal static class AppRows
{
    private const string Columns = "org, id, name, slug, description, workflows, updated_at";

    private const string UpsertSql =
        "INSERT INTO apps (" + Columns + ") VALUES ($org, $id, $name, $slug, $description, $workflows, $updated_at) " +
        "ON CONFLICT (org, id) DO UPDATE SET name = excluded.name, slug = excluded.slug, " +
        "description = excluded.description, workflows = excluded.workflows, updated_at = excluded.updated_at";

    private const string DeleteSql = "DELETE FROM apps WHERE org = $org AND id = $id";

    public const string SelectSql = "SELECT " + Columns + " FROM apps WHERE org = $org AND id = $id";

    public const string ListSql = "SELECT " + Columns + " FROM apps ORDER BY org, id";

    public static bool Upsert(CachedConnection connection, (StoredApp App, string Workflows) put)
    {
        connection.Command(UpsertSql)
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
        connection.Command(DeleteSql).Set("$org", key.OrganizationId).Set("$id", key.AppId).ExecuteNonQuery() > 0;

    public static List<StoredApp> Read(SqliteCommand command)
    {
        var apps = new List<StoredApp>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            apps.Add(new StoredApp(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                StoredJson.ParseMap(reader.GetString(5)),
                reader.GetTime(6)));
        }
        return apps;
    }
}
