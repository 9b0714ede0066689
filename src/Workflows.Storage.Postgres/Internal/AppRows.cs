using Npgsql;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Postgres.Internal;

/// <summary>Writes of stored apps (the SQL and the mapping are shared).</summary>
internal static class AppRows
{
    public static NpgsqlBatchCommand PrepareUpsert(StoredApp app)
    {
        var command = new NpgsqlBatchCommand(PostgresColumns.Sql.UpsertApp);
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
        var command = new NpgsqlBatchCommand(PostgresColumns.Sql.DeleteApp);
        command.Parameters.Text("org", key.OrganizationId).Text("id", key.AppId);
        batch.BatchCommands.Add(command);
        await session.ExecuteAsync(batch);
        return command.RecordsAffected > 0;
    }

    public static async Task<bool> InsertDefinitionAsync(WriteSession session, (string Hash, string Source, DateTimeOffset CreatedAt) definition)
    {
        await using var batch = session.CreateBatch();
        var command = new NpgsqlBatchCommand(PostgresColumns.Sql.InsertDefinition);
        command.Parameters.Text("hash", definition.Hash).Text("source", definition.Source).Time("created_at", definition.CreatedAt);
        batch.BatchCommands.Add(command);
        await session.ExecuteAsync(batch);
        return command.RecordsAffected > 0;
    }
}
