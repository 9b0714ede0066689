using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Blocks.Models.Internal;

namespace Workflows.Blocks.Tests.Models;

public sealed class BillingTests
{
    private static readonly Guid Job = Guid.NewGuid();

    private static JobEvent Event(long sequence, string type, JsonNode? cost = null) =>
        new(Job, sequence, type, DateTimeOffset.UnixEpoch)
        {
            Data = cost is null ? null : new JsonObject { ["billingCost"] = cost },
        };

    [Fact]
    public async Task SumAsync_AddsTheCostsOfCompletedBlocksOnly()
    {
        var store = new EventLogStore(
        [
            Event(1, JobEventTypes.JobQueued),
            Event(2, JobEventTypes.BlockCompleted, "0.00045"),
            Event(3, JobEventTypes.BlockCompleted),
            Event(4, JobEventTypes.Log, "100"),
            Event(5, JobEventTypes.BlockCompleted, "0.00005"),
            Event(6, JobEventTypes.BlockCompleted, 0.5),
            Event(7, JobEventTypes.BlockCompleted, "not a number"),
        ]);

        Assert.Equal(0.5005m, await Billing.SumAsync(store, Job, CancellationToken.None));
    }

    [Fact]
    public async Task SumAsync_LongLog_ReadsEveryPage()
    {
        var events = Enumerable.Range(1, 2_500).Select(i => Event(i, JobEventTypes.BlockCompleted, "0.001")).ToList();
        var store = new EventLogStore(events);

        var total = await Billing.SumAsync(store, Job, CancellationToken.None);

        Assert.Equal("2.5", Billing.Format(total));
        Assert.Equal(3, store.Reads);
    }

    [Fact]
    public async Task SumAsync_NoEvents_IsZero() =>
        Assert.Equal("0", Billing.Format(await Billing.SumAsync(new EventLogStore([]), Job, CancellationToken.None)));
}
