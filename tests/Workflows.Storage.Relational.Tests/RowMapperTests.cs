using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Map = Workflows.Storage.Relational.RowMapper<Workflows.Storage.Relational.Tests.TextColumns>;

namespace Workflows.Storage.Relational.Tests;

public sealed class RowMapperTests
{
    private static readonly Type S = typeof(string);
    private static readonly Type L = typeof(long);
    private static readonly Type I = typeof(int);
    private const string Id = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    private const string Parent = "9a0c0305-4f89-11d3-9a0c-0305e82c3301";

    private static readonly Type[] JobTypes = [S, S, S, S, S, I, S, L, L, L, S, S, L, S, S, S, S, S, S, S, L, S, L, S, L, S, S, S, L, S, L, S, S, S];

    [Fact]
    public void ReadJob_EveryColumnSet_MapsEachToItsProperty()
    {
        using var reader = TextColumns.Row(StoreSql.JobColumns, JobTypes,
            Id, "org", "blog", "post", "Post", 3, """{"topic":"otters"}""", 1000L, 2000L, 3000L, "\"done\"", "boom", 7L, "alice",
            "https://cb", "https://progress", "key", "native", Parent, "fp", 4000L, "node-a", 5000L,
            "nightly", 7000L, """{"maxCost":"0.5","maxTokens":20000}""", Parent, "ab12", 6000L, """["approval"]""", 1500L, "not needed",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "alice@example.test");

        var job = Map.ReadJob(reader);

        Assert.Equal(Guid.Parse(Id), job.Id);
        Assert.Equal(("org", "blog", "post", "Post"), (job.OrganizationId, job.AppId, job.Workflow, job.WorkflowTitle));
        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal("otters", (string?)job.Variables["topic"]);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1000), job.CreatedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(2000), job.StartedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(3000), job.FinishedAt);
        Assert.Equal("done", (string?)job.Result);
        Assert.Equal("boom", job.Error);
        Assert.Equal(7, job.LastSequence);
        Assert.Equal(("alice", "https://cb", "https://progress", "key", "native"),
            (job.CreatedBy, job.CallbackUrl, job.ProgressUrl, job.IdempotencyKey, job.Dialect));
        Assert.Equal(Guid.Parse(Parent), job.ParentJobId);
        Assert.Equal("fp", job.IdempotencyFingerprint);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(4000), job.IdempotencyExpiresAt);
        Assert.Equal("node-a", job.LeaseOwner);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(5000), job.LeaseExpiresAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(6000), job.WakeAt);
        Assert.Equal(["approval"], job.WaitSignals);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), job.RunTime);
        Assert.Equal("not needed", job.CancelRequested);
        Assert.Equal("nightly", job.ScheduleId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(7000), job.ScheduledTime);
        Assert.Equal(new JobBudget(0.5m, 20_000), job.Budget);
        Assert.Equal(Guid.Parse(Parent), job.RerunOf);
        Assert.Equal("ab12", job.DefinitionHash);
        Assert.Equal("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", job.TraceParent);
        Assert.Equal("alice@example.test", job.Creator);
    }

    [Fact]
    public void ReadJob_NullableColumnsNull_MapsToNull()
    {
        using var reader = TextColumns.Row(StoreSql.JobColumns, JobTypes,
            Id, "org", "blog", "post", "Post", 1, "{}", 1000L, null, null, null, null, 0L, "alice",
            null, null, null, "native", null, null, null, null, null,
            null, null, null, null, null, null, null, 0L, null, null, null);

        var job = Map.ReadJob(reader);

        Assert.Equal(JobState.Queued, job.State);
        Assert.Empty(job.Variables);
        Assert.Null(job.StartedAt);
        Assert.Null(job.FinishedAt);
        Assert.Null(job.Result);
        Assert.Null(job.Error);
        Assert.Null(job.CallbackUrl);
        Assert.Null(job.ParentJobId);
        Assert.Null(job.IdempotencyExpiresAt);
        Assert.Null(job.LeaseOwner);
        Assert.Null(job.LeaseExpiresAt);
        Assert.Null(job.WakeAt);
        Assert.Null(job.CancelRequested);
        Assert.Null(job.ScheduleId);
        Assert.Null(job.ScheduledTime);
        Assert.Null(job.Budget);
        Assert.Null(job.RerunOf);
        Assert.Null(job.DefinitionHash);
        Assert.Null(job.TraceParent);
        Assert.Null(job.Creator);
        Assert.Equal(TimeSpan.Zero, job.RunTime);
    }

    [Fact]
    public void ReadEvent_WithDurationAndJson_MapsEveryColumn()
    {
        using var reader = TextColumns.Row(StoreSql.EventColumns, [S, L, S, L, S, S, S, L, S, S, S],
            Id, 4L, "block_completed", 1500L, "b1", "echo", "hi", TimeSpan.FromMilliseconds(250).Ticks, "[1,2]", null, """{"k":1}""");

        var e = Map.ReadEvent(reader);

        Assert.Equal((Guid.Parse(Id), 4L, "block_completed"), (e.JobId, e.Sequence, e.Type));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1500), e.Time);
        Assert.Equal(("b1", "echo", "hi"), (e.BlockId, e.BlockType, e.Text));
        Assert.Equal(TimeSpan.FromMilliseconds(250), e.Duration);
        Assert.Equal("[1,2]", e.Output!.ToJsonString());
        Assert.Null(e.Error);
        Assert.Equal(1, (int?)e.Data!["k"]);
    }

    [Fact]
    public void ReadEvent_NullColumns_MapsToNull()
    {
        using var reader = TextColumns.Row(StoreSql.EventColumns, [S, L, S, L, S, S, S, L, S, S, S],
            Id, 1L, "job_started", 1500L, null, null, null, null, null, null, null);

        var e = Map.ReadEvent(reader);

        Assert.Null(e.BlockId);
        Assert.Null(e.Duration);
        Assert.Null(e.Output);
        Assert.Null(e.Data);
    }

    [Fact]
    public void ReadPost_Row_MapsEveryColumn()
    {
        using var reader = TextColumns.Row(StoreSql.PostColumns, [S, S, S, S, L], "p1", null, "assistant", "hello", 99L);

        Assert.Equal(new JobPost("p1", null, "assistant", "hello", DateTimeOffset.FromUnixTimeMilliseconds(99)), Map.ReadPost(reader));
    }

    [Fact]
    public void ReadApp_Row_ParsesTheWorkflowMap()
    {
        using var reader = TextColumns.Row(StoreSql.AppColumns, [S, S, S, S, S, S, L],
            "org", "blog", "Blog", "blog", "Writes posts", """{"post":"steps: []"}""", 10L);

        var app = Map.ReadApp(reader);

        Assert.Equal(("org", "blog", "Blog"), (app.OrganizationId, app.Id, app.Name));
        Assert.Equal("steps: []", app.Workflows["post"]);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(10), app.UpdatedAt);
    }

    [Theory]
    [InlineData("pending", DeliveryStatus.Pending)]
    [InlineData("delivered", DeliveryStatus.Delivered)]
    [InlineData("failed", DeliveryStatus.Failed)]
    public void ReadOutboxMessage_KnownStatus_Maps(string status, DeliveryStatus expected)
    {
        using var reader = OutboxRow(status);

        var message = Map.ReadOutboxMessage(reader);

        Assert.Equal((12L, "msg_1", Guid.Parse(Id), expected), (message.Id, message.DeliveryId, message.JobId, message.Status));
        Assert.Equal(2, message.Attempts);
        Assert.Null(message.LastAttemptAt);
    }

    [Fact]
    public void ReadOutboxMessage_UnknownStatus_ThrowsNamingIt()
    {
        using var reader = OutboxRow("lost");

        var exception = Assert.Throws<InvalidOperationException>(() => Map.ReadOutboxMessage(reader));

        Assert.Contains("'lost'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadAll_SeveralRows_KeepsTheirOrder()
    {
        var table = new System.Data.DataTable();
        table.Columns.Add("block_id", S);
        table.Columns.Add("output", S);
        table.Rows.Add("a", "1");
        table.Rows.Add("b", "null");
        using var reader = table.CreateDataReader();

        var outputs = Rows.ReadOutputs(reader);

        Assert.Equal(["a", "b"], outputs.Keys.Order());
        Assert.Equal(1, (int?)outputs["a"]);
        Assert.Null(outputs["b"]);
    }

    private static System.Data.Common.DbDataReader OutboxRow(string status) =>
        TextColumns.Row(StoreSql.OutboxColumns, [L, S, S, S, S, S, S, I, L, L, S, S, L],
            12L, "msg_1", Id, "org", "callback", "https://cb", "{}", 2, 100L, 50L, null, status, null);
}
