using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Delivery;

/// <summary>ListDeliveries and RedeliverDelivery: a job's callback deliveries, their state, and sending one again.</summary>
[Collection(ServerCollection.Name)]
public sealed class DeliveriesApiTests(ServerFixture server)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private WorkflowService.WorkflowServiceClient Client => server.Grpc();

    private async Task<string> StartAsync(string callbackUrl, string? token = null)
    {
        var run = await Client.RunAsync(
            new RunRequest
            {
                AppId = "blog",
                Variables = JobHelpers.Vars(("topic", "deliveries")),
                CallbackUrl = callbackUrl,
                Wait = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.Zero),
            },
            ServerFixture.Bearer(token ?? server.AdminToken),
            JobHelpers.Deadline());
        return run.Job.Id;
    }

    private async Task<Contracts.V1.Delivery> WaitForAsync(string jobId, Func<Contracts.V1.Delivery, bool> done)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var list = await Client.ListDeliveriesAsync(new ListDeliveriesRequest { JobId = jobId }, ServerFixture.Bearer(server.AdminToken), JobHelpers.Deadline());
            if (list.Deliveries.Count == 1 && done(list.Deliveries[0]))
            {
                return list.Deliveries[0];
            }

            Assert.True(DateTime.UtcNow < deadline, $"the delivery did not reach the expected state: {list}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task ListDeliveries_DeliveredCallback_AllFieldsOverGrpcAndRest()
    {
        var path = "/deliveries/" + Guid.NewGuid().ToString("N");
        var jobId = await StartAsync(server.Callbacks.Url + path);
        await server.Callbacks.NextAsync(path, Wait);

        var delivery = await WaitForAsync(jobId, d => d.Status == "delivered");

        Assert.Equal($"msg_{Guid.Parse(jobId):N}", delivery.Id);
        Assert.Equal("callback", delivery.Kind);
        Assert.Equal(server.Callbacks.Url + path, delivery.Url);
        Assert.Equal(1, delivery.Attempts);
        Assert.Equal("", delivery.LastError);
        Assert.Null(delivery.NextAttemptTime);
        Assert.NotNull(delivery.LastAttemptTime);
        Assert.True(delivery.CreateTime.ToDateTimeOffset() <= delivery.LastAttemptTime.ToDateTimeOffset().AddMilliseconds(1));

        using var rest = server.Rest(server.ExecToken);
        var listed = await rest.GetJsonAsync($"/v1/jobs/{jobId}/deliveries");
        Assert.Equal(HttpStatusCode.OK, listed.Status);
        var item = Assert.Single(listed.Json["deliveries"]!.AsArray())!;
        Assert.Equal(delivery.Id, (string?)item["id"]);
        Assert.Equal("delivered", (string?)item["status"]);
        Assert.Equal("callback", (string?)item["kind"]);
        Assert.Equal(1, (int)item["attempts"]!);
    }

    [Fact]
    public async Task ListDeliveries_JobWithoutCallback_Empty()
    {
        var run = await server.RunBlogAsync(server.ExecToken, "no callback");

        var list = await Client.ListDeliveriesAsync(new ListDeliveriesRequest { JobId = run.Job.Id }, ServerFixture.Bearer(server.ExecToken), JobHelpers.Deadline());

        Assert.Empty(list.Deliveries);
    }

    [Fact]
    public async Task RedeliverDelivery_Delivered_SentAgainWithTheSameIdAndSignedAfresh()
    {
        var path = "/redeliver/" + Guid.NewGuid().ToString("N");
        var jobId = await StartAsync(server.Callbacks.Url + path);
        var first = await server.Callbacks.NextAsync(path, Wait);
        var delivered = await WaitForAsync(jobId, d => d.Status == "delivered");

        using var rest = server.Rest(server.AdminToken);
        var response = await rest.PostJsonAsync($"/v1/jobs/{jobId}/deliveries/{delivered.Id}:redeliver", new JsonObject());

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("pending", (string?)response.Json["delivery"]!["status"]);
        Assert.NotNull(response.Json["delivery"]!["nextAttemptTime"]);
        var second = await server.Callbacks.NextAsync(path, Wait);
        Assert.Equal(first.Headers["webhook-id"], second.Headers["webhook-id"]);
        Assert.Equal(first.Body, second.Body);
        WebhookAssert.Signed(server, second, "default");
        var after = await WaitForAsync(jobId, d => d.Status == "delivered" && d.Attempts == 2);
        Assert.Equal("", after.LastError);
    }

    [Fact]
    public async Task RedeliverDelivery_Failed_DeliveredOnTheNewAttempt()
    {
        var path = "/refused/" + Guid.NewGuid().ToString("N");
        await using var receiver = await CallbackReceiver.StartAsync();
        receiver.FailuresLeft = 1;
        receiver.FailureStatus = (int)HttpStatusCode.Gone;
        var jobId = await StartAsync(receiver.Url + path);
        Assert.True((await receiver.NextAsync(path, Wait)).Failed);
        var failed = await WaitForAsync(jobId, d => d.Status == "failed");
        Assert.Equal("HTTP 410", failed.LastError);

        var redelivered = await Client.RedeliverDeliveryAsync(
            new RedeliverDeliveryRequest { JobId = jobId, DeliveryId = failed.Id }, ServerFixture.Bearer(server.AdminToken), JobHelpers.Deadline());

        Assert.Equal("pending", redelivered.Delivery.Status);
        Assert.False((await receiver.NextAsync(path, Wait)).Failed);
        var delivered = await WaitForAsync(jobId, d => d.Status == "delivered");
        Assert.Equal(2, delivered.Attempts);
    }

    [Fact]
    public async Task RedeliverDelivery_StillPending_FailedPreconditionAndUnchanged()
    {
        // Nothing listens on this port: the callback keeps failing and stays pending, retried with backoff.
        var jobId = await StartAsync($"http://127.0.0.1:{FreePort.Next()}/down");
        var pending = await WaitForAsync(jobId, d => d.Status == "pending" && d.Attempts >= 1);

        var ex = await JobHelpers.ThrowsStatusAsync(StatusCode.FailedPrecondition, () =>
            Client.RedeliverDeliveryAsync(
                new RedeliverDeliveryRequest { JobId = jobId, DeliveryId = pending.Id }, ServerFixture.Bearer(server.AdminToken), JobHelpers.Deadline()).ResponseAsync);
        Assert.Contains("still pending", ex.Status.Detail, StringComparison.Ordinal);
        using var rest = server.Rest(server.AdminToken);
        var response = await rest.PostJsonAsync($"/v1/jobs/{jobId}/deliveries/{pending.Id}:redeliver", new JsonObject());
        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Equal("pending", (await WaitForAsync(jobId, _ => true)).Status);
    }

    [Fact]
    public async Task RedeliverDelivery_UnknownIdOrAnotherJobsDelivery_NotFound()
    {
        var path = "/other/" + Guid.NewGuid().ToString("N");
        var mine = await StartAsync(server.Callbacks.Url + path + "/a");
        var other = await StartAsync(server.Callbacks.Url + path + "/b");
        var otherDelivery = await WaitForAsync(other, d => d.Status == "delivered");
        await WaitForAsync(mine, d => d.Status == "delivered");
        var admin = ServerFixture.Bearer(server.AdminToken);

        foreach (var deliveryId in new[] { otherDelivery.Id, "msg_nope", "" })
        {
            await JobHelpers.ThrowsStatusAsync(StatusCode.NotFound, () =>
                Client.RedeliverDeliveryAsync(new RedeliverDeliveryRequest { JobId = mine, DeliveryId = deliveryId }, admin, JobHelpers.Deadline()).ResponseAsync);
        }

        await JobHelpers.ThrowsStatusAsync(StatusCode.NotFound, () =>
            Client.ListDeliveriesAsync(new ListDeliveriesRequest { JobId = Guid.NewGuid().ToString() }, admin, JobHelpers.Deadline()).ResponseAsync);
        using var rest = server.Rest(server.AdminToken);
        Assert.Equal(HttpStatusCode.NotFound, (await rest.PostJsonAsync($"/v1/jobs/{mine}/deliveries/{otherDelivery.Id}:redeliver", new JsonObject())).Status);
    }

    [Fact]
    public async Task RedeliverDelivery_ExecToken_PermissionDeniedAndNothingSent()
    {
        var path = "/exec/" + Guid.NewGuid().ToString("N");
        var jobId = await StartAsync(server.Callbacks.Url + path, server.ExecToken);
        await server.Callbacks.NextAsync(path, Wait);
        var delivered = await WaitForAsync(jobId, d => d.Status == "delivered");

        await JobHelpers.ThrowsStatusAsync(StatusCode.PermissionDenied, () =>
            Client.RedeliverDeliveryAsync(
                new RedeliverDeliveryRequest { JobId = jobId, DeliveryId = delivered.Id }, ServerFixture.Bearer(server.ExecToken), JobHelpers.Deadline()).ResponseAsync);
        using var rest = server.Rest(server.ExecToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await rest.PostJsonAsync($"/v1/jobs/{jobId}/deliveries/{delivered.Id}:redeliver", new JsonObject())).Status);

        var list = await Client.ListDeliveriesAsync(new ListDeliveriesRequest { JobId = jobId }, ServerFixture.Bearer(server.ExecToken), JobHelpers.Deadline());
        Assert.Equal(1, Assert.Single(list.Deliveries).Attempts);
    }
}
