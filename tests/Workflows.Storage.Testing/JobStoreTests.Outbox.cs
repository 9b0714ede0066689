using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Testing;

public abstract partial class JobStoreTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    /// <summary>Commits the messages for a new job and returns them as stored (with ids).</summary>
    private async Task<IReadOnlyList<OutboxMessage>> EnqueueAsync(params Func<JobRecord, OutboxMessage>[] messages)
    {
        var job = await CreateJobAsync(StoreTestData.Job());
        await Store.CommitAsync(new JobCommit
        {
            JobId = job.Id,
            ExpectedSequence = 1,
            Outbox = messages.Select(make => make(job)).ToList(),
        }, Ct);
        return await Store.ListDeliveriesAsync(job.Id, Ct);
    }

    [Fact]
    public async Task Commit_Outbox_StoredPendingWithIds()
    {
        var job = await CreateJobAsync(StoreTestData.Job());
        var first = StoreTestData.Message(job);
        var second = StoreTestData.Message(job) with { Kind = "progress", Url = "https://example.test/p", Payload = """{"ü":"✓"}""" };

        await Store.CommitAsync(new JobCommit { JobId = job.Id, ExpectedSequence = 1, Outbox = [first, second] }, Ct);

        var stored = await Store.ListDeliveriesAsync(job.Id, Ct);
        Assert.Equal(2, stored.Count);
        StoreAssert.MessageEqual(first, stored[0]);
        StoreAssert.MessageEqual(second, stored[1]);
        Assert.True(stored[0].Id > 0);
        Assert.True(stored[1].Id > stored[0].Id);
    }

    [Fact]
    public async Task ClaimDueDeliveries_Leased_SecondClaimAtSameTimeGetsNothing()
    {
        var stored = await EnqueueAsync(job => StoreTestData.Message(job));
        var now = StoreTestData.T0;

        var first = await Store.ClaimDueDeliveriesAsync(now, 10, Lease, Ct);
        var second = await Store.ClaimDueDeliveriesAsync(now, 10, Lease, Ct);
        var afterLease = await Store.ClaimDueDeliveriesAsync(now + Lease, 10, Lease, Ct);

        Assert.Equal(stored[0].Id, Assert.Single(first).Id);
        Assert.Equal(now + Lease, first[0].NextAttemptAt);
        Assert.Empty(second);
        Assert.Equal(stored[0].Id, Assert.Single(afterLease).Id);
    }

    [Fact]
    public async Task ClaimDueDeliveries_OnlyDue_OldestFirst_AtMostMax()
    {
        var now = StoreTestData.T0.AddMinutes(10);
        var stored = await EnqueueAsync(
            job => StoreTestData.Message(job, dueAt: now.AddMinutes(-1)),
            job => StoreTestData.Message(job, dueAt: now.AddMinutes(-5)),
            job => StoreTestData.Message(job, dueAt: now),
            job => StoreTestData.Message(job, dueAt: now.AddMilliseconds(1)));

        var firstTwo = await Store.ClaimDueDeliveriesAsync(now, 2, Lease, Ct);
        var rest = await Store.ClaimDueDeliveriesAsync(now, 10, Lease, Ct);

        Assert.Equal([stored[0].Id, stored[1].Id], firstTwo.Select(m => m.Id));
        Assert.Equal([stored[2].Id], rest.Select(m => m.Id));
        Assert.Empty(await Store.ClaimDueDeliveriesAsync(now, 0, Lease, Ct));
    }

    [Fact]
    public async Task RecordDeliveryAttempt_Retry_SchedulesNextAttempt()
    {
        var stored = await EnqueueAsync(job => StoreTestData.Message(job));
        var now = StoreTestData.T0;
        var retryAt = now.AddSeconds(30);
        await Store.ClaimDueDeliveriesAsync(now, 10, Lease, Ct);

        await Store.RecordDeliveryAttemptAsync(stored[0].Id, delivered: false, "HTTP 503", retryAt, Ct);

        Assert.Empty(await Store.ClaimDueDeliveriesAsync(retryAt.AddMilliseconds(-1), 10, Lease, Ct));
        var retried = Assert.Single(await Store.ClaimDueDeliveriesAsync(retryAt, 10, Lease, Ct));
        Assert.Equal(1, retried.Attempts);
        Assert.Equal("HTTP 503", retried.LastError);
        Assert.Equal(stored[0].DeliveryId, retried.DeliveryId);
    }

    [Fact]
    public async Task RecordDeliveryAttempt_DeliveredOrGivenUp_NeverClaimedAgain()
    {
        var stored = await EnqueueAsync(job => StoreTestData.Message(job), job => StoreTestData.Message(job));
        var now = StoreTestData.T0;
        Assert.Equal(2, (await Store.ClaimDueDeliveriesAsync(now, 10, Lease, Ct)).Count);

        await Store.RecordDeliveryAttemptAsync(stored[0].Id, delivered: true, null, null, Ct);
        await Store.RecordDeliveryAttemptAsync(stored[1].Id, delivered: false, "HTTP 410", null, Ct);

        Assert.Empty(await Store.ClaimDueDeliveriesAsync(now.AddDays(365), 10, Lease, Ct));
        var deliveries = await Store.ListDeliveriesAsync(stored[0].JobId, Ct);
        Assert.Equal([1, 1], deliveries.Select(m => m.Attempts));
        Assert.Null(deliveries[0].LastError);
        Assert.Equal("HTTP 410", deliveries[1].LastError);
    }

    [Fact]
    public async Task RecordDeliveryAttempt_UnknownMessage_ThrowsKeyNotFoundException()
    {
        await Assert.ThrowsAsync<KeyNotFoundException>(() =>
            Store.RecordDeliveryAttemptAsync(987_654, delivered: true, null, null, Ct));
    }

    [Fact]
    public async Task ClaimDueDeliveries_ConcurrentClaimers_NeverShareAMessage()
    {
        var job = await CreateJobAsync(StoreTestData.Job());
        await Store.CommitAsync(new JobCommit
        {
            JobId = job.Id,
            ExpectedSequence = 1,
            Outbox = Enumerable.Range(0, 100).Select(_ => StoreTestData.Message(job)).ToList(),
        }, Ct);

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(async () =>
            {
                var mine = new List<long>();
                for (var i = 0; i < 10; i++)
                {
                    mine.AddRange((await Store.ClaimDueDeliveriesAsync(StoreTestData.T0, 3, Lease, Ct)).Select(m => m.Id));
                }
                return mine;
            })));

        var all = claims.SelectMany(ids => ids).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(100, all.Count);
    }

    [Fact]
    public async Task RecordDeliveryAttempt_Outcomes_StatusAndLastAttemptTime()
    {
        var stored = await EnqueueAsync(job => StoreTestData.Message(job), job => StoreTestData.Message(job), job => StoreTestData.Message(job));
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        Assert.All(stored, m => Assert.Equal(DeliveryStatus.Pending, m.Status));
        Assert.All(stored, m => Assert.Null(m.LastAttemptAt));

        await Store.RecordDeliveryAttemptAsync(stored[0].Id, delivered: true, null, null, Ct);
        await Store.RecordDeliveryAttemptAsync(stored[1].Id, delivered: false, "HTTP 410", null, Ct);
        await Store.RecordDeliveryAttemptAsync(stored[2].Id, delivered: false, "HTTP 503", StoreTestData.T0.AddMinutes(1), Ct);

        var deliveries = await Store.ListDeliveriesAsync(stored[0].JobId, Ct);
        Assert.Equal([DeliveryStatus.Delivered, DeliveryStatus.Failed, DeliveryStatus.Pending], deliveries.Select(m => m.Status));
        Assert.All(deliveries, m => Assert.InRange(m.LastAttemptAt!.Value, before, DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.Equal(StoreTestData.T0.AddMinutes(1), deliveries[2].NextAttemptAt);
    }

    [Fact]
    public async Task RequeueDelivery_DeliveredOrFailed_PendingAndDueAtNow()
    {
        var stored = await EnqueueAsync(job => StoreTestData.Message(job), job => StoreTestData.Message(job));
        await Store.RecordDeliveryAttemptAsync(stored[0].Id, delivered: true, null, null, Ct);
        await Store.RecordDeliveryAttemptAsync(stored[1].Id, delivered: false, "HTTP 410", null, Ct);
        var now = StoreTestData.T0.AddDays(3);

        Assert.True(await Store.RequeueDeliveryAsync(stored[0].Id, now, Ct));
        Assert.True(await Store.RequeueDeliveryAsync(stored[1].Id, now, Ct));

        var deliveries = await Store.ListDeliveriesAsync(stored[0].JobId, Ct);
        Assert.All(deliveries, m => Assert.Equal(DeliveryStatus.Pending, m.Status));
        Assert.All(deliveries, m => Assert.Equal(now, m.NextAttemptAt));
        Assert.Equal([1, 1], deliveries.Select(m => m.Attempts));
        Assert.Equal("HTTP 410", deliveries[1].LastError);
        Assert.Empty(await Store.ClaimDueDeliveriesAsync(now.AddMilliseconds(-1), 10, Lease, Ct));
        Assert.Equal(stored.Select(m => m.Id), (await Store.ClaimDueDeliveriesAsync(now, 10, Lease, Ct)).Select(m => m.Id));
    }

    [Fact]
    public async Task RequeueDelivery_Pending_FalseAndLeaseKept()
    {
        var stored = await EnqueueAsync(job => StoreTestData.Message(job));
        var claimed = Assert.Single(await Store.ClaimDueDeliveriesAsync(StoreTestData.T0, 10, Lease, Ct));

        Assert.False(await Store.RequeueDeliveryAsync(stored[0].Id, StoreTestData.T0, Ct));

        var delivery = Assert.Single(await Store.ListDeliveriesAsync(stored[0].JobId, Ct));
        Assert.Equal(DeliveryStatus.Pending, delivery.Status);
        Assert.Equal(claimed.NextAttemptAt, delivery.NextAttemptAt);
        Assert.Empty(await Store.ClaimDueDeliveriesAsync(StoreTestData.T0, 10, Lease, Ct));
    }

    [Fact]
    public async Task RequeueDelivery_UnknownMessage_ThrowsKeyNotFoundException()
    {
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.RequeueDeliveryAsync(987_654, StoreTestData.T0, Ct));
    }

    [Fact]
    public async Task ListDeliveries_OnlyThatJob()
    {
        var mine = await EnqueueAsync(job => StoreTestData.Message(job));
        await EnqueueAsync(job => StoreTestData.Message(job));

        Assert.Equal(mine.Select(m => m.Id), (await Store.ListDeliveriesAsync(mine[0].JobId, Ct)).Select(m => m.Id));
        Assert.Empty(await Store.ListDeliveriesAsync(Guid.NewGuid(), Ct));
    }
}
