using Workflows.Engine.Jobs;

namespace Workflows.Engine.Tests.Jobs;

public sealed class JobEventHubTests
{
    private static JobEvent Event(Guid jobId, long sequence) => new(jobId, sequence, JobEventTypes.Log, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task Publish_OneCommit_EveryWatcherWakesToTheWholeCommitInOrder()
    {
        var hub = new JobEventHub();
        var jobId = Guid.NewGuid();
        using var first = hub.Subscribe(jobId);
        using var second = hub.Subscribe(jobId);
        using var otherJob = hub.Subscribe(Guid.NewGuid());

        hub.Publish([Event(jobId, 4), Event(jobId, 5), Event(jobId, 6)]);

        foreach (var subscription in new[] { first, second })
        {
            Assert.True(await subscription.Reader.WaitToReadAsync());
            var read = new List<long>();
            while (subscription.Reader.TryRead(out var ev))
            {
                read.Add(ev.Sequence);
            }

            Assert.Equal([4L, 5L, 6L], read);
        }

        Assert.False(otherJob.Reader.TryRead(out _));
    }

    [Fact]
    public void Publish_AfterUnsubscribe_NothingIsDeliveredAndNoWatchedJobIsLeft()
    {
        var hub = new JobEventHub();
        var jobId = Guid.NewGuid();
        var subscription = hub.Subscribe(jobId);
        Assert.Equal(1, hub.WatchedJobs);

        subscription.Dispose();
        hub.Publish([Event(jobId, 1)]);
        hub.Publish([]);

        Assert.Equal(0, hub.WatchedJobs);
        Assert.False(subscription.Reader.TryRead(out _));
    }
}
