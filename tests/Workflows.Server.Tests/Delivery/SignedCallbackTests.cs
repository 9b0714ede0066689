using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Security;
using Workflows.Engine.Storage;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Delivery;

/// <summary>Callbacks are signed the Standard Webhooks way and retried until the receiver takes them.</summary>
[Collection(ServerCollection.Name)]
public sealed class SignedCallbackTests(ServerFixture server)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Callback_Delivered_CarriesValidStandardWebhooksHeaders()
    {
        var path = "/signed/" + Guid.NewGuid().ToString("N");
        var threadId = await StartAsync(server.Callbacks.Url + path);

        var callback = await server.Callbacks.NextAsync(path, Wait);

        AssertSigned(callback, "default");
        Assert.Equal($"msg_{Guid.Parse(threadId):N}", callback.Headers["webhook-id"]);
        var timestamp = long.Parse(callback.Headers["webhook-timestamp"], CultureInfo.InvariantCulture);
        Assert.InRange(timestamp, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());
        Assert.Equal(threadId, (string?)JsonNode.Parse(callback.Body)!["job"]!["id"]);
    }

    [Fact]
    public async Task Callback_ReceiverFailsThreeTimes_RetriedWithTheSameIdAndValidSignatures()
    {
        var path = "/flaky/" + Guid.NewGuid().ToString("N");
        await using var receiver = await CallbackReceiver.StartAsync();
        receiver.FailuresLeft = 3;
        await StartAsync(receiver.Url + path);

        var attempts = new List<ReceivedCallback>();
        for (var i = 0; i < 4; i++)
        {
            attempts.Add(await receiver.NextAsync(path, Wait));
        }

        Assert.Equal([true, true, true, false], attempts.Select(a => a.Failed));
        Assert.Single(attempts.Select(a => a.Headers["webhook-id"]).Distinct());
        Assert.Single(attempts.Select(a => a.Body).Distinct());
        Assert.All(attempts, a => AssertSigned(a, "default"));
    }

    [Fact]
    public async Task Callback_ReceiverDownThenUp_DeliveredOnceItIsUp()
    {
        var port = FreePort.Next();
        var path = "/late/" + Guid.NewGuid().ToString("N");
        var threadId = Guid.Parse(await StartAsync($"http://127.0.0.1:{port}{path}"));
        var store = server.Services.GetRequiredService<IJobStore>();

        // Wait until delivery has failed at least twice against the closed port (recorded in the store).
        var deadline = DateTime.UtcNow + Wait;
        while (((await store.ListDeliveriesAsync(threadId, CancellationToken.None)).SingleOrDefault()?.Attempts ?? 0) < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the delivery was not attempted twice in time");
            await Task.Yield();
        }

        await using var receiver = await CallbackReceiver.StartAsync(port);
        var callback = await receiver.NextAsync(path, Wait);

        Assert.False(callback.Failed);
        AssertSigned(callback, "default");
        Assert.Equal($"msg_{threadId:N}", callback.Headers["webhook-id"]);
        // The successful attempt is recorded after the receiver answered: failed twice or more, then delivered.
        while ((await store.ListDeliveriesAsync(threadId, CancellationToken.None)).SingleOrDefault() is null or { Attempts: < 3 } or { LastError: not null })
        {
            Assert.True(DateTime.UtcNow < deadline + Wait, "the successful delivery was not recorded in time");
            await Task.Yield();
        }
    }

    [Fact]
    public async Task Callback_ReceiverAnswers400_NotRetried()
    {
        var path = "/refuses/" + Guid.NewGuid().ToString("N");
        await using var receiver = await CallbackReceiver.StartAsync();
        receiver.FailuresLeft = 1;
        receiver.FailureStatus = (int)HttpStatusCode.BadRequest;
        var threadId = Guid.Parse(await StartAsync(receiver.Url + path));

        var first = await receiver.NextAsync(path, Wait);
        Assert.True(first.Failed);
        var store = server.Services.GetRequiredService<IJobStore>();
        var deadline = DateTime.UtcNow + Wait;
        OutboxMessage? delivery;
        while ((delivery = (await store.ListDeliveriesAsync(threadId, CancellationToken.None)).SingleOrDefault()) is null or { Attempts: < 1 })
        {
            Assert.True(DateTime.UtcNow < deadline, "the attempt was not recorded in time");
            await Task.Yield();
        }

        Assert.Equal("HTTP 400", delivery!.LastError);
        Assert.Empty(await store.ClaimDueDeliveriesAsync(DateTimeOffset.UtcNow.AddDays(2), 1000, TimeSpan.FromSeconds(1), CancellationToken.None)
            .ContinueWith(t => t.Result.Where(m => m.JobId == threadId).ToList(), TaskScheduler.Default));
    }

    private void AssertSigned(ReceivedCallback callback, string organization)
    {
        var secret = server.Services.GetRequiredService<WebhookSecrets>().CurrentAsync(organization, CancellationToken.None).GetAwaiter().GetResult();
        var timestamp = long.Parse(callback.Headers["webhook-timestamp"], CultureInfo.InvariantCulture);
        Assert.StartsWith("v1,", callback.Headers["webhook-signature"], StringComparison.Ordinal);
        Assert.True(
            WebhookSignature.Verify(callback.Headers["webhook-id"], timestamp, callback.Body, callback.Headers["webhook-signature"], secret),
            "the signature does not verify with the organisation's secret");
    }

    private async Task<string> StartAsync(string callbackUrl)
    {
        using var client = server.Rest(server.AdminToken);
        var response = await client.PostJsonAsync("/v1/runs", new JsonObject
        {
            ["appId"] = "blog",
            ["variables"] = new JsonObject { ["topic"] = "callbacks" },
            ["callbackUrl"] = callbackUrl,
            ["wait"] = "0s",
        });
        Assert.Equal(HttpStatusCode.OK, response.Status);
        return (string)response.Json["job"]!["id"]!;
    }
}
