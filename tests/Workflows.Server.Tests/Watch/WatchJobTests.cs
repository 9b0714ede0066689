using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Watch;

[Collection(ServerCollection.Name)]
public sealed class WatchJobTests(ServerFixture fixture)
{
    private AsyncServerStreamingCall<WatchJobResponse> Watch(string jobId, long after = 0) =>
        fixture.Grpc().WatchJob(new WatchJobRequest { JobId = jobId, AfterSequence = after }, ServerFixture.Bearer(fixture.ExecToken), JobHelpers.Deadline());

    private static async Task<JobEvent> NextAsync(AsyncServerStreamingCall<WatchJobResponse> call)
    {
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None), "the stream ended early");
        return call.ResponseStream.Current.Event;
    }

    [Fact]
    public async Task WatchJob_JoinsMidRun_ReplaysThenStreamsLiveToSuccess()
    {
        var gate = Guid.NewGuid().ToString("N");
        var started = await fixture.StartGatedAsync(fixture.ExecToken, gate);
        using var call = Watch(started.Job.Id);

        // Everything up to the gate is replayed before the gate opens.
        var before = new List<JobEvent>();
        do
        {
            before.Add(await NextAsync(call));
        }
        while (!(before[^1].Type == "block_started" && before[^1].BlockId == "wait"));

        Assert.Equal("job_queued", before[0].Type);
        Assert.Contains(before, e => e.Type == "job_started");
        Assert.Contains(before, e => e.Type == "block_completed" && e.BlockId == "before" && e.Output.StringValue == $"waiting for {gate}");
        Assert.DoesNotContain(before, e => e.Type.StartsWith("job_succeeded", StringComparison.Ordinal));

        GateBlock.Open(gate, "live");
        var after = new List<JobEvent>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            after.Add(call.ResponseStream.Current.Event);
        }

        JobHelpers.AssertGaplessToEnd([.. before, .. after], 1, "job_succeeded");
        Assert.Contains(after, e => e.Type == "block_completed" && e.BlockId == "wait" && e.Output.StringValue == "live");
        Assert.Equal("live", after[^1].Output.StringValue);
        Assert.All(before.Concat(after), e => Assert.Equal(started.Job.Id, e.JobId));
    }

    [Fact]
    public async Task WatchJob_ResumeAfterSequence_GetsExactlyTheRest()
    {
        var run = await fixture.RunBlogAsync(fixture.ExecToken);
        var all = await fixture.WatchToEndAsync(fixture.ExecToken, run.Job.Id);
        JobHelpers.AssertGaplessToEnd(all, 1, "job_succeeded");
        var n = all.Count / 2;

        var rest = await fixture.WatchToEndAsync(fixture.ExecToken, run.Job.Id, n);

        Assert.Equal(all.Skip(n), rest);
    }

    [Fact]
    public async Task WatchJob_AfterTheEnd_ReplaysEverythingAndEnds()
    {
        var run = await fixture.RunBlogAsync(fixture.ExecToken);

        var events = await fixture.WatchToEndAsync(fixture.ExecToken, run.Job.Id);

        JobHelpers.AssertGaplessToEnd(events, 1, "job_succeeded");
        Assert.Equal(run.Sequence, events[^1].Sequence);
        Assert.Equal(["job_queued", "job_started"], events.Take(2).Select(e => e.Type));
        Assert.Equal(["prompt", "shout", "out"], events.Where(e => e.Type == "block_completed").Select(e => e.BlockId));
        Assert.All(events.Where(e => e.Type == "block_completed"), e => Assert.NotNull(e.Duration));
        Assert.All(events, e => Assert.NotNull(e.Time));
        Assert.Equal(run.Result, events[^1].Output);
    }

    [Fact]
    public async Task WatchJob_AfterLastSequence_EndsWithNothing()
    {
        var run = await fixture.RunBlogAsync(fixture.ExecToken);

        var events = await fixture.WatchToEndAsync(fixture.ExecToken, run.Job.Id, run.Sequence);

        Assert.Empty(events);
    }

    [Fact]
    public async Task WatchJob_SeveralWatchers_AllSeeTheSameSequence()
    {
        var gate = Guid.NewGuid().ToString("N");
        var started = await fixture.StartGatedAsync(fixture.ExecToken, gate);
        var calls = Enumerable.Range(0, 4).Select(_ => Watch(started.Job.Id)).ToList();
        try
        {
            // Each watcher has attached (it got its first event) before the gate opens.
            foreach (var call in calls)
            {
                Assert.Equal(1, (await NextAsync(call)).Sequence);
            }

            GateBlock.Open(gate);
            var seen = await Task.WhenAll(calls.Select(async call =>
            {
                var events = new List<JobEvent>();
                while (await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                    events.Add(call.ResponseStream.Current.Event);
                }

                return events;
            }));

            JobHelpers.AssertGaplessToEnd(seen[0], 2, "job_succeeded");
            Assert.All(seen, events => Assert.Equal(seen[0], events));
        }
        finally
        {
            calls.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task WatchJob_UnknownJob_NotFound()
    {
        using var call = Watch(Guid.NewGuid().ToString());
        await JobHelpers.ThrowsStatusAsync(StatusCode.NotFound, () => call.ResponseStream.MoveNext(CancellationToken.None));
    }
}
