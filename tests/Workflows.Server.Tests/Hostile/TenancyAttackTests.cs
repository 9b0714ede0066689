using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Hostile;

/// <summary>
/// Another organisation's admin token against our deliveries and our API apps: always 404, and nothing of ours
/// changes. (Jobs: <see cref="Tenancy.TenancyTests"/>; files: <see cref="Files.FileTests"/>.)
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class TenancyAttackTests(ServerFixture fixture)
{
    private const string Flow = """
        name: Ours
        blocks:
          - id: out
            type: output
            value: "default's app"
        """;

    private WorkflowService.WorkflowServiceClient Client => fixture.Grpc();

    private Metadata Admin => ServerFixture.Bearer(fixture.AdminToken);

    private Metadata Acme => ServerFixture.Bearer(fixture.AcmeToken);

    [Fact]
    public async Task AcmeToken_OurDeliveries_NotFoundToListAndRedeliverAndNothingSent()
    {
        var path = "/tenancy/" + Guid.NewGuid().ToString("N");
        var run = await Client.RunAsync(
            new RunRequest { AppId = "blog", Variables = JobHelpers.Vars(("topic", "tenancy")), CallbackUrl = fixture.Callbacks.Url + path },
            Admin,
            JobHelpers.Deadline());
        await fixture.Callbacks.NextAsync(path, JobHelpers.Timeout);
        var deliveryId = $"msg_{Guid.Parse(run.Job.Id):N}";
        Contracts.V1.Delivery ours;
        var deadline = DateTime.UtcNow + JobHelpers.Timeout;
        while ((ours = (await Client.ListDeliveriesAsync(new ListDeliveriesRequest { JobId = run.Job.Id }, Admin, JobHelpers.Deadline())).Deliveries.Single()).Status != "delivered")
        {
            Assert.True(DateTime.UtcNow < deadline, "the callback was not recorded as delivered in time");
            await Task.Delay(20);
        }

        await JobHelpers.ThrowsStatusAsync(StatusCode.NotFound, () =>
            Client.ListDeliveriesAsync(new ListDeliveriesRequest { JobId = run.Job.Id }, Acme, JobHelpers.Deadline()).ResponseAsync);
        await JobHelpers.ThrowsStatusAsync(StatusCode.NotFound, () =>
            Client.RedeliverDeliveryAsync(new RedeliverDeliveryRequest { JobId = run.Job.Id, DeliveryId = deliveryId }, Acme, JobHelpers.Deadline()).ResponseAsync);
        using var rest = fixture.Rest(fixture.AcmeToken);
        Assert.Equal(HttpStatusCode.NotFound, (await rest.GetJsonAsync($"/v1/jobs/{run.Job.Id}/deliveries")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await rest.PostJsonAsync($"/v1/jobs/{run.Job.Id}/deliveries/{deliveryId}:redeliver", new JsonObject())).Status);

        var after = (await Client.ListDeliveriesAsync(new ListDeliveriesRequest { JobId = run.Job.Id }, Admin, JobHelpers.Deadline())).Deliveries.Single();
        Assert.Equal("delivered", after.Status);
        Assert.Equal(ours.Attempts, after.Attempts);
    }

    [Fact]
    public async Task AcmeToken_OurApiApp_NotFoundToGetAndDeleteAndItsOwnPutDoesNotTouchOurs()
    {
        var appId = "tenant-app-" + Guid.NewGuid().ToString("N")[..8];
        var put = new PutAppRequest { AppId = appId, Name = "Default's app" };
        put.Workflows["main"] = Flow;
        await Client.PutAppAsync(put, Admin, JobHelpers.Deadline());

        await JobHelpers.ThrowsStatusAsync(StatusCode.NotFound, () =>
            Client.GetAppAsync(new GetAppRequest { AppId = appId }, Acme, JobHelpers.Deadline()).ResponseAsync);
        await JobHelpers.ThrowsStatusAsync(StatusCode.NotFound, () =>
            Client.DeleteAppAsync(new DeleteAppRequest { AppId = appId }, Acme, JobHelpers.Deadline()).ResponseAsync);
        using (var rest = fixture.Rest(fixture.AcmeToken))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await rest.GetJsonAsync($"/v1/apps/{appId}")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await rest.SendJsonAsync(HttpMethod.Delete, $"/v1/apps/{appId}", null)).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await rest.PostJsonAsync("/v1/runs", new JsonObject { ["appId"] = appId })).Status);
        }

        var acmeList = await Client.ListAppsAsync(new ListAppsRequest(), Acme, JobHelpers.Deadline());
        Assert.DoesNotContain(acmeList.Apps, a => a.Id == appId);

        // Acme may use the same id for an app of its own; ours is untouched.
        var theirs = new PutAppRequest { AppId = appId, Name = "Acme's app" };
        theirs.Workflows["main"] = Flow.Replace("default's app", "acme's app", StringComparison.Ordinal);
        await Client.PutAppAsync(theirs, Acme, JobHelpers.Deadline());
        var got = await Client.GetAppAsync(new GetAppRequest { AppId = appId }, Admin, JobHelpers.Deadline());
        Assert.Equal("Default's app", got.App.Name);
        Assert.Equal(Flow, got.Workflows["main"]);
        var run = await fixture.RunAsync(fixture.AdminToken, appId);
        Assert.Equal("default's app", run.Result.StringValue);

        await Client.DeleteAppAsync(new DeleteAppRequest { AppId = appId }, Acme, JobHelpers.Deadline());
        Assert.Equal("Default's app", (await Client.GetAppAsync(new GetAppRequest { AppId = appId }, Admin, JobHelpers.Deadline())).App.Name);
    }
}
