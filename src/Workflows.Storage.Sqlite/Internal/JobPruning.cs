namespace Workflows.Storage.Sqlite.Internal;

/// <summary>Retention: deletes a batch of finished jobs and everything that hangs off them, run by the single writer.</summary>
internal static class JobPruning
{
    // Terminal states only (3 succeeded, 4 failed, 5 cancelled): a job that somehow has finished_at but is still queued
    // or running is never deleted under a runner. The jobs_finished index serves the range and the order.
    private const string SelectSql =
        "SELECT id FROM jobs WHERE finished_at IS NOT NULL AND finished_at < $before AND state IN (3, 4, 5) " +
        "ORDER BY finished_at, id LIMIT $limit";

    // Children first, the jobs rows last; each uses the table's (job_id, …) key or index.
    private static readonly string[] DeleteSql =
    [
        "DELETE FROM job_events WHERE job_id IN (SELECT value FROM json_each($ids))",
        "DELETE FROM block_outputs WHERE job_id IN (SELECT value FROM json_each($ids))",
        "DELETE FROM posts WHERE job_id IN (SELECT value FROM json_each($ids))",
        "DELETE FROM outbox WHERE job_id IN (SELECT value FROM json_each($ids))",
        "DELETE FROM job_signals WHERE job_id IN (SELECT value FROM json_each($ids))",
        "DELETE FROM jobs WHERE id IN (SELECT value FROM json_each($ids))",
    ];

    public static List<Guid> Prune(CachedConnection connection, (DateTimeOffset Before, int Limit) request)
    {
        var ids = new List<string>();
        using (var reader = connection.Command(SelectSql)
                   .Set("$before", UnixTime.ToMilliseconds(request.Before))
                   .Set("$limit", request.Limit)
                   .ExecuteReader())
        {
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }
        }

        if (ids.Count == 0)
        {
            return [];
        }

        var json = StoredJson.WriteStrings(ids);
        foreach (var sql in DeleteSql)
        {
            connection.Command(sql).Set("$ids", json).ExecuteNonQuery();
        }

        return ids.ConvertAll(JobIds.Parse);
    }
}
