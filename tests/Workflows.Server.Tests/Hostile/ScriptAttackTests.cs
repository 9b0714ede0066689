using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Hostile;

/// <summary>
/// Scripts that try to exhaust the sandbox or reach out of it (the <c>attacks</c> test app, one workflow per attack):
/// each job fails with an error that names the limit or the missing thing, and the server keeps serving.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ScriptAttackTests(ServerFixture fixture)
{
    /// <summary>Workflow of the attacks app, and what its job's error must say.</summary>
    public static TheoryData<string, string> Attacks => new()
    {
        { "memory", "script exceeded its memory limit" },
        { "string", "script exceeded its memory limit" },
        { "recursion", "script exceeded the recursion limit" },
        { "import", "importNamespace is not defined" },
        { "file", "System is not defined" },
        { "clr", "clrHelper is not defined" },
        { "eval", "String compilation has been disabled" },
        { "function", "String compilation has been disabled" },
        { "process", "process is not defined" },
        { "require", "require is not defined" },
    };

    private async Task<RunResponse> RunAttackAsync(string workflow) =>
        await fixture.Grpc().RunAsync(
            new RunRequest { AppId = "attacks", Workflow = workflow },
            ServerFixture.Bearer(fixture.ExecToken),
            JobHelpers.Deadline());

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Run_AttackScript_FailsNamingTheLimitOrMissingThingAndServerKeepsServing(string workflow, string expected)
    {
        var response = await RunAttackAsync(workflow);

        Assert.Equal(JobState.Failed, response.Job.State);
        Assert.Contains(expected, response.Job.Error, StringComparison.Ordinal);
        Assert.Null(response.Result);
        var events = await fixture.WatchToEndAsync(fixture.ExecToken, response.Job.Id);
        JobHelpers.AssertGaplessToEnd(events, 1, "job_failed");
        Assert.Contains(events, e => e.Type == "block_failed" && e.BlockId == "attack" && e.Error.Contains(expected, StringComparison.Ordinal));

        var blog = await fixture.RunBlogAsync(fixture.ExecToken, "after " + workflow);
        Assert.Equal(JobState.Succeeded, blog.Job.State);
    }

    [Fact]
    public async Task Run_EveryAttackAtOnce_AllFailAndOtherRunsStillSucceed()
    {
        var attacks = Attacks.Select(row => (string)row[0]).Select(RunAttackAsync).ToList();
        var blog = fixture.RunBlogAsync(fixture.ExecToken, "meanwhile");

        var results = await Task.WhenAll(attacks);

        Assert.All(results, r => Assert.Equal(JobState.Failed, r.Job.State));
        Assert.Equal("ASSISTANT WILL WRITE A FRIENDLY POST ABOUT: MEANWHILE", (await blog).Result.StringValue);
        Assert.Equal(JobState.Succeeded, (await fixture.RunBlogAsync(fixture.ExecToken, "afterwards")).Job.State);
    }
}
