using Workflows.Engine.Jobs.Internal;

namespace Workflows.Engine.Tests.Jobs;

public sealed class JobIdsTests
{
    private static readonly DateTimeOffset Instant = new(2026, 12, 6, 1, 2, 3, 456, TimeSpan.Zero);

    [Fact]
    public void Next_SameMillisecond_IdsGrowInStartOrder()
    {
        var ids = Enumerable.Range(0, 5000).Select(_ => JobIds.Next(Instant)).ToList();

        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids.Select(i => i.ToString()).Order(StringComparer.Ordinal), ids.Select(i => i.ToString()));
    }

    [Fact]
    public void Next_ClockGoesBack_IdsStillGrow()
    {
        var first = JobIds.Next(Instant.AddSeconds(5));
        var second = JobIds.Next(Instant);

        Assert.True(second.CompareTo(first) > 0);
    }

    [Fact]
    public void Next_IsVersion7WithTheRfcVariantAndTheMillisecondTimestamp()
    {
        var later = Instant.AddDays(1);
        var id = JobIds.Next(later);
        var text = id.ToString("N");

        Assert.Equal(7, id.Version);
        Assert.Contains(text[16], "89ab");
        Assert.Equal(later.ToUnixTimeMilliseconds(), Convert.ToInt64(text[..12], 16));
    }

    [Fact]
    public void Next_RandomHalvesDifferAcrossManyRefillsOfThePool()
    {
        // 2,000 ids take the pooled random bytes many times over; a pool handed out twice would repeat a half.
        var halves = Enumerable.Range(0, 2000)
            .Select(_ => JobIds.Next(Instant).ToString("N")[16..])
            .ToList();

        Assert.Equal(halves.Count, halves.Distinct().Count());
    }
}
