using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Schedules;

/// <summary>
/// The schedule calls over REST and gRPC on the shared server. The schedules tick once a year (1 January), so none fires
/// while the tests run; the ticking itself is tested in the engine and by the restart and cluster tests.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ScheduleApiTests(ServerFixture server)
{
    private const string Yearly = "0 0 1 1 *";

    private WorkflowService.WorkflowServiceClient Client => server.Grpc();

    private static string NewId() => "s-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Rest_CreateGetListUpdateDelete_RoundTrips()
    {
        using var rest = server.Rest(server.AdminToken);
        var id = NewId();

        var created = await rest.PostJsonAsync("/v1/schedules", new JsonObject
        {
            ["id"] = id,
            ["appId"] = "blog",
            ["cron"] = Yearly,
            ["timeZone"] = "Europe/Berlin",
            ["variables"] = new JsonObject { ["topic"] = "otters" },
        });

        Assert.Equal(HttpStatusCode.OK, created.Status);
        var schedule = created.Object["schedule"]!.AsObject();
        Assert.Equal(id, (string?)schedule["id"]);
        Assert.Equal(("blog", "main", "SKIP", "60s"), ((string?)schedule["appId"], (string?)schedule["workflow"], (string?)schedule["overlap"], (string?)schedule["catchupWindow"]));
        Assert.Equal("otters", (string?)schedule["variables"]!["topic"]);
        var next = schedule["nextRunTimes"]!.AsArray();
        Assert.Equal(5, next.Count);
        // Midnight of 1 January in Berlin is 23:00 UTC the day before.
        Assert.EndsWith("-12-31T23:00:00Z", (string?)next[0], StringComparison.Ordinal);

        var read = await rest.GetJsonAsync($"/v1/schedules/{id}");
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal("Europe/Berlin", (string?)read.Object["schedule"]!["timeZone"]);

        var list = await rest.GetJsonAsync("/v1/schedules");
        Assert.Contains(list.Object["schedules"]!.AsArray(), s => (string?)s!["id"] == id);

        var paused = await rest.SendJsonAsync(HttpMethod.Patch, $"/v1/schedules/{id}", """{"paused":true,"overlap":"ALLOW_ALL","catchupWindow":"5s"}""");
        Assert.Equal(HttpStatusCode.OK, paused.Status);
        var changed = paused.Object["schedule"]!;
        Assert.Equal((true, "ALLOW_ALL", "5s"), ((bool?)changed["paused"], (string?)changed["overlap"], (string?)changed["catchupWindow"]));
        Assert.Empty(changed["nextRunTimes"]?.AsArray() ?? []);
        Assert.Equal(Yearly, (string?)changed["cron"]);

        // Paused or not, a trigger starts one job now; an empty body is fine.
        var triggered = await rest.SendJsonAsync(HttpMethod.Post, $"/v1/schedules/{id}:trigger", null);
        Assert.True(triggered.Status == HttpStatusCode.OK, triggered.ToString());
        Assert.Equal(id, (string?)triggered.Object["job"]!["scheduleId"]);
        Assert.NotNull(triggered.Object["job"]!["scheduledTime"]);

        var deleted = await rest.SendJsonAsync(HttpMethod.Delete, $"/v1/schedules/{id}", null);
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await rest.GetJsonAsync($"/v1/schedules/{id}")).Status);
    }

    [Fact]
    public async Task Grpc_CreateTrigger_StartsAJobCarryingTheSchedule()
    {
        var auth = ServerFixture.Bearer(server.AdminToken);
        var created = await Client.CreateScheduleAsync(
            new CreateScheduleRequest { Schedule = new Schedule { AppId = "blog", Cron = Yearly, Variables = JobHelpers.Vars(("topic", "cron")) } },
            auth, JobHelpers.Deadline());
        var id = created.Schedule.Id;
        Assert.StartsWith("sch_", id, StringComparison.Ordinal);

        var triggered = await Client.TriggerScheduleAsync(new TriggerScheduleRequest { ScheduleId = id }, auth, JobHelpers.Deadline());

        Assert.Equal(id, triggered.Job.ScheduleId);
        Assert.NotNull(triggered.Job.ScheduledTime);
        var job = await server.WaitForEndAsync(server.AdminToken, triggered.Job.Id);
        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(id, job.ScheduleId);
        var read = await Client.GetScheduleAsync(new GetScheduleRequest { ScheduleId = id }, auth, JobHelpers.Deadline());
        Assert.Empty(read.Schedule.RecentRuns);   // a trigger is not a tick

        var updated = await Client.UpdateScheduleAsync(new UpdateScheduleRequest { ScheduleId = id, Cron = "0 12 * * *" }, auth, JobHelpers.Deadline());
        Assert.Equal(("0 12 * * *", "cron"), (updated.Schedule.Cron, updated.Schedule.Variables.Fields["topic"].StringValue));
        await Client.DeleteScheduleAsync(new DeleteScheduleRequest { ScheduleId = id }, auth, JobHelpers.Deadline());
        await JobHelpers.ThrowsStatusAsync(StatusCode.NotFound,
            () => Client.GetScheduleAsync(new GetScheduleRequest { ScheduleId = id }, auth, JobHelpers.Deadline()).ResponseAsync);
    }

    [Theory]
    [InlineData("""{"appId":"blog","cron":"61 * * * *"}""", "cron")]
    [InlineData("""{"appId":"blog","cron":"* * *"}""", "cron")]
    [InlineData("""{"appId":"blog","cron":"0 0 * * *","timeZone":"Mars/Olympus"}""", "time_zone")]
    [InlineData("""{"appId":"nope","cron":"0 0 * * *"}""", "app_id")]
    [InlineData("""{"appId":"blog","workflow":"nope","cron":"0 0 * * *"}""", "workflow")]
    [InlineData("""{"appId":"blog","cron":"0 0 * * *","overlap":"SOMETIMES"}""", "overlap")]
    [InlineData("""{"appId":"blog","cron":"0 0 * * *","catchupWindow":"-5s"}""", "catchup_window")]
    public async Task Rest_CreateBadField_400NamingIt(string body, string field)
    {
        using var rest = server.Rest(server.AdminToken);

        var response = await rest.SendJsonAsync(HttpMethod.Post, "/v1/schedules", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains(field, response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grpc_UpdateBadTimeZone_InvalidArgumentNamingIt()
    {
        var auth = ServerFixture.Bearer(server.AdminToken);
        var id = (await Client.CreateScheduleAsync(new CreateScheduleRequest { Schedule = new Schedule { AppId = "blog", Cron = Yearly, Variables = JobHelpers.Vars(("topic", "t")) } }, auth, JobHelpers.Deadline())).Schedule.Id;

        var error = await JobHelpers.ThrowsStatusAsync(StatusCode.InvalidArgument,
            () => Client.UpdateScheduleAsync(new UpdateScheduleRequest { ScheduleId = id, TimeZone = "Nowhere/Town" }, auth, JobHelpers.Deadline()).ResponseAsync);

        Assert.Contains("time_zone", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherOrganizationAndOtherRecipe_SeeNothing()
    {
        var auth = ServerFixture.Bearer(server.AdminToken);
        var id = (await Client.CreateScheduleAsync(new CreateScheduleRequest { Schedule = new Schedule { AppId = "blog", Cron = Yearly, Variables = JobHelpers.Vars(("topic", "t")) } }, auth, JobHelpers.Deadline())).Schedule.Id;
        var acme = ServerFixture.Bearer(server.AcmeToken);
        var digestOnly = ServerFixture.Bearer(server.Token("default", "exec", "digest"));

        await JobHelpers.ThrowsStatusAsync(StatusCode.NotFound,
            () => Client.GetScheduleAsync(new GetScheduleRequest { ScheduleId = id }, acme, JobHelpers.Deadline()).ResponseAsync);
        await JobHelpers.ThrowsStatusAsync(StatusCode.NotFound,
            () => Client.TriggerScheduleAsync(new TriggerScheduleRequest { ScheduleId = id }, digestOnly, JobHelpers.Deadline()).ResponseAsync);
        await JobHelpers.ThrowsStatusAsync(StatusCode.PermissionDenied,
            () => Client.CreateScheduleAsync(new CreateScheduleRequest { Schedule = new Schedule { AppId = "blog", Cron = Yearly, Variables = JobHelpers.Vars(("topic", "t")) } }, digestOnly, JobHelpers.Deadline()).ResponseAsync);
        var listed = await Client.ListSchedulesAsync(new ListSchedulesRequest(), digestOnly, JobHelpers.Deadline());
        Assert.DoesNotContain(listed.Schedules, s => s.Id == id);
        Assert.Empty((await Client.ListSchedulesAsync(new ListSchedulesRequest(), acme, JobHelpers.Deadline())).Schedules);
    }
}
