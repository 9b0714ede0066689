using Npgsql;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Postgres.Internal;

/// <summary>SQL, writes and mapping of stored apps.</summary>
internal static class AppRows
{
    private const string Columns = "org, id, name, slug, description, workflows, updated_at";

    private const string UpsertSql =
        "INSERT INTO apps (" + Columns + ") VALUES (@org, @id, @name, @slug, @description, @workflows, @updated_at) " +
        "ON CONFLICT (org, id) DO UPDATE SET name = excluded.name, slug = excluded.slug, " +
        "description = excluded.description, workflows = excluded.workflows, updated_at = excluded.updated_at";

    private const string DeleteSql = "DELETE FROM apps WHERE org = @org AND id = @id";

    public const string SelectSql = "SELECT " + Columns + " FROM apps WHERE org = @org AND id = @id";

    public const string ListSql = "SELECT " + Columns + " FROM apps ORDER BY org, id";

    public static NpgsqlBatchCommand PrepareUpsert(StoredApp app)
    {
        var command = new NpgsqlBatchCommand(UpsertSql);
        command.Parameters
            .Text("org", app.OrganizationId)
            .Text("id", app.Id)
            .Text("name", app.Name)
            .Text("slug", app.Slug)
            .Text("description", app.Description)
            .Text("workflows", StoredJson.WriteMap(app.Workflows))
            .Time("updated_at", app.UpdatedAt);
        return command;
    }

    public static async Task<bool> UpsertAsync(WriteSession session, NpgsqlBatchCommand upsert)
    {
        await using var batch = session.CreateBatch();
        batch.BatchCommands.Add(upsert.Copy());
        await session.ExecuteAsync(batch);
        return true;
    }

    public static async Task<bool> DeleteAsync(WriteSession session, (string OrganizationId, string AppId) key)
    {
        await using var batch = session.CreateBatch();
        var command = new NpgsqlBatchCommand(DeleteSql);
        command.Parameters.Text("org", key.OrganizationId).Text("id", key.AppId);
        batch.BatchCommands.Add(command);
        await session.ExecuteAsync(batch);
        return command.RecordsAffected > 0;
    }

    public static async Task<List<StoredApp>> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var apps = new List<StoredApp>();
        while (await reader.ReadAsync(cancellationToken))
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
