// GetJob on SQLite, three ways, median of several timed runs (no BenchmarkDotNet: a stopwatch and the allocation counter):
//   hand    the store's own read: a prepared command and RowMapper<T>.ReadJob (ordinal reads);
//   dapper  the same SQL through Dapper into a row class, then converted to a JobRecord;
//   store   SqliteStore.GetJobAsync, the whole read path (pool rent, command cache, mapping).
// Usage: dotnet run -c Release --project bench/Stores [iterations] [runs]
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage.Support;
using Workflows.Storage.Relational;
using Workflows.Storage.Sqlite;

var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;
var directory = Directory.CreateTempSubdirectory("bench-stores-");
var path = Path.Combine(directory.FullName, "jobs.db");
try
{
    var ids = new List<Guid>();
    await using (var store = new SqliteStore(new SqliteStoreOptions { DatabasePath = path }))
    {
        await store.InitializeAsync(CancellationToken.None);
        for (var i = 0; i < 200; i++)
        {
            var id = Guid.NewGuid();
            ids.Add(id);
            var now = DateTimeOffset.UtcNow;
            await store.CreateJobAsync(new JobRecord
            {
                Id = id,
                OrganizationId = "org",
                AppId = "blog",
                Workflow = "post",
                WorkflowTitle = "Post",
                State = JobState.Running,
                Variables = new JsonObject { ["topic"] = "otters", ["tone"] = "grumpy" },
                CreatedAt = now,
                StartedAt = now,
                CreatedBy = "bench",
                Dialect = "native",
                CallbackUrl = "https://example.com/cb",
                LastSequence = 1,
            }, [new JobEvent(id, 1, "job_queued", now)], CancellationToken.None);
        }
    }

    var sql = "SELECT " + StoreSql.JobColumns + " FROM jobs WHERE id = $id";
    using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
    connection.Open();
    using var command = connection.CreateCommand();
    command.CommandText = sql;
    var parameter = command.Parameters.Add("$id", SqliteType.Text);
    command.Prepare();
    DefaultTypeMap.MatchNamesWithUnderscores = true;

    JobRecord? Hand(Guid id)
    {
        parameter.Value = id.ToString("D");
        using var reader = command.ExecuteReader();
        return reader.Read() ? RowMapper<Columns>.ReadJob(reader) : null;
    }

    JobRecord? WithDapper(Guid id) =>
        connection.QueryFirstOrDefault<JobRow>(sql, new { id = id.ToString("D") })?.ToRecord();

    await using var opened = new SqliteStore(new SqliteStoreOptions { DatabasePath = path });
    await opened.InitializeAsync(CancellationToken.None);
    JobRecord? Store(Guid id) => opened.GetJobAsync(id, CancellationToken.None).GetAwaiter().GetResult();

    // Same answer from all three, then the timings.
    var check = ids[7];
    JobRecord?[] answers = [Hand(check), WithDapper(check), Store(check)];
    if (answers.Any(a => a is null || a.Id != check || a.Variables.ToJsonString() != answers[0]!.Variables.ToJsonString()))
    {
        throw new InvalidOperationException("The readers disagree.");
    }
    Console.WriteLine($"GetJob on SQLite, {iterations} reads per run, median of {runs} runs");
    Console.WriteLine("path      ns/op   bytes/op");
    foreach (var (name, read) in new (string, Func<Guid, JobRecord?>)[] { ("hand", Hand), ("dapper", WithDapper), ("store", Store) })
    {
        var (ns, bytes) = Measure(read, ids, iterations, runs);
        Console.WriteLine($"{name,-8}{ns,8:F0}{bytes,11:F0}");
    }
}
finally
{
    SqliteConnection.ClearAllPools();
    directory.Delete(recursive: true);
}

static (double Ns, double Bytes) Measure(Func<Guid, JobRecord?> read, List<Guid> ids, int iterations, int runs)
{
    for (var i = 0; i < iterations; i++)
    {
        read(ids[i % ids.Count]);
    }
    var times = new List<double>();
    var allocations = new List<double>();
    for (var run = 0; run < runs; run++)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            read(ids[i % ids.Count]);
        }
        watch.Stop();
        times.Add(watch.Elapsed.TotalNanoseconds / iterations);
        allocations.Add((GC.GetAllocatedBytesForCurrentThread() - before) / (double)iterations);
    }
    times.Sort();
    allocations.Sort();
    return (times[runs / 2], allocations[runs / 2]);
}

/// <summary>The SQLite store's column layout: text ids, unix-millisecond times.</summary>
internal readonly struct Columns : IColumnTypes
{
    public static Guid GetId(DbDataReader reader, int ordinal) => Guid.ParseExact(reader.GetString(ordinal), "D");

    public static DateTimeOffset GetTime(DbDataReader reader, int ordinal) => DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));
}

/// <summary>What Dapper needs to map a jobs row: one property per column, converted to a record afterwards.</summary>
internal sealed class JobRow
{
    public string Id { get; set; } = "";
    public string Org { get; set; } = "";
    public string App_Id { get; set; } = "";
    public string Workflow { get; set; } = "";
    public string Workflow_Title { get; set; } = "";
    public long State { get; set; }
    public string Variables { get; set; } = "";
    public long Created_At { get; set; }
    public long? Started_At { get; set; }
    public long? Finished_At { get; set; }
    public string? Result { get; set; }
    public string? Error { get; set; }
    public long Last_Sequence { get; set; }
    public string Created_By { get; set; } = "";
    public string? Callback_Url { get; set; }
    public string? Progress_Url { get; set; }
    public string? Idempotency_Key { get; set; }
    public string Dialect { get; set; } = "";
    public string? Parent_Job_Id { get; set; }
    public string? Idempotency_Fingerprint { get; set; }
    public long? Idempotency_Expires_At { get; set; }
    public string? Lease_Owner { get; set; }
    public long? Lease_Expires_At { get; set; }

    public JobRecord ToRecord() => new()
    {
        Id = Guid.ParseExact(Id, "D"),
        OrganizationId = Org,
        AppId = App_Id,
        Workflow = Workflow,
        WorkflowTitle = Workflow_Title,
        State = (JobState)State,
        Variables = StoredJson.ParseObject(Variables),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(Created_At),
        StartedAt = Time(Started_At),
        FinishedAt = Time(Finished_At),
        Result = StoredJson.Parse(Result),
        Error = Error,
        LastSequence = Last_Sequence,
        CreatedBy = Created_By,
        CallbackUrl = Callback_Url,
        ProgressUrl = Progress_Url,
        IdempotencyKey = Idempotency_Key,
        Dialect = Dialect,
        ParentJobId = Parent_Job_Id is { } parent ? Guid.ParseExact(parent, "D") : null,
        IdempotencyFingerprint = Idempotency_Fingerprint,
        IdempotencyExpiresAt = Time(Idempotency_Expires_At),
        LeaseOwner = Lease_Owner,
        LeaseExpiresAt = Time(Lease_Expires_At),
    };

    private static DateTimeOffset? Time(long? milliseconds) =>
        milliseconds is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;
}
