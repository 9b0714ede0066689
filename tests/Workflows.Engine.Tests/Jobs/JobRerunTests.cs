using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;

namespace Workflows.Engine.Tests.Jobs;

/// <summary>Rerunning a job through <see cref="JobService.RerunAsync"/> on the in-memory store.</summary>
public sealed class JobRerunTests : IAsyncLifetime, IAsyncDisposable
{
    private readonly JobRuntimeHarness _runtime = new(jobs => jobs.BlockTimeout = TimeSpan.Zero);

    public Task InitializeAsync() => _runtime.PutAppAsync("vars", """
        name: Vars
        launchVariables:
          who: { type: string, required: true }
          greeting: { type: string, default: hello }
        blocks:
          - { id: a, type: test-spend, cost: "0.25", tokens: 10 }
          - { id: out, type: test-output, value: done, after: [a] }
        """);

    public async Task DisposeAsync() => await _runtime.DisposeAsync();

    ValueTask IAsyncDisposable.DisposeAsync() => _runtime.DisposeAsync();

    [Fact]
    public async Task RerunAsync_WithVariables_NewJobOverlaysThemAndKeepsTheBudget()
    {
        var request = JobRuntimeHarness.Request("vars") with
        {
            Variables = new JsonObject { ["who"] = "otters", ["greeting"] = "hi" },
            Budget = new JobBudget(1m, null),
        };
        var original = await _runtime.CompletionAsync((await _runtime.Jobs.StartAsync(request, CancellationToken.None)).Id);

        var started = await _runtime.Jobs.RerunAsync(original, new JsonObject { ["who"] = "badgers" }, "tester", CancellationToken.None);
        var rerun = await _runtime.CompletionAsync(started.Id);

        Assert.NotEqual(original.Id, rerun.Id);
        Assert.Equal(original.Id, rerun.RerunOf);
        Assert.Equal(JobState.Succeeded, rerun.State);
        Assert.Equal(("badgers", "hi"), ((string?)rerun.Variables["who"], (string?)rerun.Variables["greeting"]));
        Assert.Equal(new JobBudget(1m, null), rerun.Budget);
        var stored = await _runtime.Store.GetJobAsync(JobRuntimeHarness.Org, rerun.Id, CancellationToken.None);
        Assert.Equal(original.Id, stored?.RerunOf);
    }
}
