using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Security;
using Workflows.Engine.Storage;
using Workflows.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Workflows.Server.Tests.Reliability;

/// <summary>A server of its own, with production-like backoff (1 s doubling to 5 s), so the outage test runs in parallel with the rest.</summary>
public sealed class OutageServerFixture : IAsyncLifetime
{
    public ServerFixture Server { get; } = ServerFixture.WithSettings(new Dictionary<string, string?>
    {
        ["Workflows:Delivery:InitialBackoff"] = "00:00:01",
        ["Workflows:Delivery:MaxBackoff"] = "00:00:05",
    });

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class OutageCollection : ICollectionFixture<OutageServerFixture>
{
    public const string Name = "callback-outage";
}

/// <summary>
/// A callback receiver that is down for over a minute receives every callback once it is up, each with a valid
/// signature and the same <c>webhook-id</c> it had on every earlier attempt.
/// </summary>
[Collection(OutageCollection.Name)]
public sealed class CallbackOutageTests(OutageServerFixture fixture, ITestOutputHelper output)
{
    private const int Jobs = 20;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(65);

    [Fact]
    public async Task Receiver_DownForOverAMinute_GetsEveryCallbackOnceUp()
    {
        var server = fixture.Server;
        var port = FreePort.Next();
        var store = server.Services.GetRequiredService<IJobStore>();
        using var client = server.Rest(server.AdminToken);
        var jobs = new List<Guid>();
        for (var i = 0; i < Jobs; i++)
        {
            var response = await client.PostJsonAsync("/v1/runs", new JsonObject
            {
                ["appId"] = "blog",
                ["variables"] = new JsonObject { ["topic"] = $"outage {i}" },
                ["callbackUrl"] = $"http://127.0.0.1:{port}/outage/{i}",
                ["wait"] = "0s",
            });
            Assert.Equal(HttpStatusCode.OK, response.Status);
            jobs.Add(Guid.Parse((string)response.Json["job"]!["id"]!));
        }

        // The receiver stays down (nothing listens on the port) for the whole outage; the server keeps retrying.
        var downSince = DateTime.UtcNow;
        using var poll = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (DateTime.UtcNow - downSince < Outage && await poll.WaitForNextTickAsync())
        {
            Assert.DoesNotContain(await AttemptsAsync(store, jobs), a => a.Delivered);
        }

        var failedBefore = await AttemptsAsync(store, jobs);
        Assert.All(failedBefore, a => Assert.True(a.Attempts >= 2, $"only {a.Attempts} attempts during the outage"));

        await using var receiver = await CallbackReceiver.StartAsync(port);
        var secret = await server.Services.GetRequiredService<WebhookSecrets>().CurrentAsync("default", CancellationToken.None);
        var received = new List<ReceivedCallback>();
        for (var i = 0; i < Jobs; i++)
        {
            received.Add(await receiver.NextAsync($"/outage/{i}", TimeSpan.FromSeconds(30)));
        }

        for (var i = 0; i < Jobs; i++)
        {
            var callback = received[i];
            Assert.Equal($"msg_{jobs[i]:N}", callback.Headers["webhook-id"]);
            var timestamp = long.Parse(callback.Headers["webhook-timestamp"], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(WebhookSignature.Verify(callback.Headers["webhook-id"], timestamp, callback.Body, callback.Headers["webhook-signature"], secret));
            Assert.Equal(jobs[i].ToString(), (string?)JsonNode.Parse(callback.Body)!["job"]!["id"]);
        }

        output.WriteLine($"{Jobs} callbacks, receiver down {Outage.TotalSeconds:0} s; attempts during the outage per callback: " +
            $"min {failedBefore.Min(a => a.Attempts)}, max {failedBefore.Max(a => a.Attempts)}; all delivered with valid signatures");
    }

    private static async Task<List<(int Attempts, bool Delivered)>> AttemptsAsync(IJobStore store, List<Guid> jobs)
    {
        var result = new List<(int, bool)>();
        foreach (var job in jobs)
        {
            var delivery = (await store.ListDeliveriesAsync(job, CancellationToken.None)).SingleOrDefault();
            result.Add((delivery?.Attempts ?? 0, delivery?.Status == DeliveryStatus.Delivered));
        }

        return result;
    }
}
