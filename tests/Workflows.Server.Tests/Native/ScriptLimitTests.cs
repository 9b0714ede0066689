using System.Diagnostics;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Native;

[Collection(ServerCollection.Name)]
public sealed class ScriptLimitTests(ServerFixture fixture)
{
    [Fact]
    public async Task Run_LoopingScript_FailsNamingTheTimeLimitAndServerKeepsServing()
    {
        var clock = Stopwatch.StartNew();

        var response = await fixture.RunAsync(fixture.ExecToken, "looping");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal(JobState.Failed, response.Job.State);
        Assert.Contains("500 ms", response.Job.Error, StringComparison.Ordinal);
        Assert.Null(response.Result);
        var events = await fixture.WatchToEndAsync(fixture.ExecToken, response.Job.Id);
        JobHelpers.AssertGaplessToEnd(events, 1, "job_failed");
        Assert.Contains(events, e => e.Type == "block_failed" && e.BlockId == "spin");

        var next = await fixture.RunBlogAsync(fixture.ExecToken, "after the loop");
        Assert.Equal(JobState.Succeeded, next.Job.State);
    }

    [Fact]
    public async Task Run_SeveralLoopingScriptsAtOnce_EachFailsAndOtherRunsStillSucceed()
    {
        var loops = Enumerable.Range(0, 3).Select(_ => fixture.RunAsync(fixture.ExecToken, "looping")).ToList();
        var blog = fixture.RunBlogAsync(fixture.ExecToken, "meanwhile");
        var digest = fixture.RunAsync(fixture.ExecToken, "digest", ("text", "still serving"));

        var failed = await Task.WhenAll(loops);

        Assert.All(failed, r =>
        {
            Assert.Equal(JobState.Failed, r.Job.State);
            Assert.Contains("script timed out", r.Job.Error, StringComparison.Ordinal);
        });
        Assert.Equal(3, failed.Select(r => r.Job.Id).Distinct().Count());
        Assert.Equal("ASSISTANT WILL WRITE A FRIENDLY POST ABOUT: MEANWHILE", (await blog).Result.StringValue);
        Assert.Equal(JobState.Succeeded, (await digest).Job.State);
    }
}
