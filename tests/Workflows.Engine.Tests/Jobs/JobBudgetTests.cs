using Workflows.Engine.Definitions;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Engine.Tests.Definitions;
using Workflows.Engine.Tests.TestBlocks;

namespace Workflows.Engine.Tests.Jobs;

/// <summary>Budgets: a block does not start once the job's reported cost or tokens reached a limit.</summary>
public sealed class JobBudgetTests : IAsyncLifetime, IAsyncDisposable
{
    private readonly JobRuntimeHarness _runtime = new(jobs => jobs.BlockTimeout = TimeSpan.Zero);

    public Task InitializeAsync() => _runtime.PutAppAsync("spend", """
        name: Spend
        blocks:
          - { id: a, type: test-spend, cost: "0.30", tokens: 600 }
          - { id: b, type: test-spend, cost: "0.30", tokens: 600, after: [a] }
          - { id: c, type: test-spend, cost: "0.30", tokens: 600, after: [b] }
          - { id: out, type: test-output, value: done, after: [c] }
        """);

    public async Task DisposeAsync() => await _runtime.DisposeAsync();

    ValueTask IAsyncDisposable.DisposeAsync() => _runtime.DisposeAsync();

    [Fact]
    public async Task RunAsync_CostReachesMaxCost_FailsBudgetExceededBeforeTheNextBlockStarts()
    {
        var job = await RunAsync(new JobBudget(0.50m, null));

        Assert.Equal(JobState.Failed, job.State);
        Assert.StartsWith("budget_exceeded:", job.Error, StringComparison.Ordinal);
        Assert.Contains("maxCost 0.5", job.Error, StringComparison.Ordinal);
        Assert.Contains("block 'c'", job.Error, StringComparison.Ordinal);
        var started = (await _runtime.EventsAsync(job.Id)).Where(e => e.Type == JobEventTypes.BlockStarted).Select(e => e.BlockId);
        Assert.Equal(["a", "b"], started);
    }

    [Fact]
    public async Task RunAsync_TokensReachMaxTokens_FailsBudgetExceededNamingMaxTokens()
    {
        var job = await RunAsync(new JobBudget(null, 600));

        Assert.Equal(JobState.Failed, job.State);
        Assert.StartsWith("budget_exceeded: maxTokens 600", job.Error, StringComparison.Ordinal);
        Assert.Contains("block 'b'", job.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WithinBudget_SucceedsAndKeepsTheBudgetWithTheJob()
    {
        var job = await RunAsync(new JobBudget(1m, 10_000));

        Assert.Equal(JobState.Succeeded, job.State);
        var stored = await _runtime.Store.GetJobAsync(JobRuntimeHarness.Org, job.Id, CancellationToken.None);
        Assert.Equal(new JobBudget(1m, 10_000), stored?.Budget);
    }

    [Theory]
    [InlineData("-1", null, "budget.maxCost")]
    [InlineData("cheap", null, "budget.maxCost")]
    [InlineData(null, "-5", "budget.maxTokens")]
    [InlineData(null, "1.5", "budget.maxTokens")]
    public void Parse_BadValue_RefusedNamingTheField(string? maxCost, string? maxTokens, string field)
    {
        var error = Assert.Throws<FormatException>(() => JobBudget.Parse(maxCost, maxTokens, "budget"));
        Assert.StartsWith(field + ":", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JobBudget_StoredText_ReadsBackTheSameBudget()
    {
        var budget = new JobBudget(0.5m, 20_000);

        Assert.Equal("{\"maxCost\":\"0.5\",\"maxTokens\":20000}", budget.ToJson());
        Assert.Equal(budget, JobBudget.FromJson(budget.ToJson()));
    }

    [Fact]
    public void LoadFolder_AppBudget_IsTheDefaultAndABadOneNamesTheField()
    {
        using var temp = new TempDirectory();
        temp.Write("news/main.flow", "name: Main\nblocks:\n  - { id: a, type: test-echo }\n");
        temp.Write("news/app.yaml", "id: news\nbudget:\n  maxCost: \"0.50\"\n  maxTokens: 20000\n");
        var app = AppLoader.LoadFolder(Path.Combine(temp.Path, "news"), TestRegistry.Create());
        Assert.Equal(new JobBudget(0.50m, 20_000), app.Budget);

        temp.Write("news/app.yaml", "id: news\nbudget:\n  maxCost: lots\n");
        var error = Assert.Throws<DefinitionException>(() => AppLoader.LoadFolder(Path.Combine(temp.Path, "news"), TestRegistry.Create()));
        Assert.Contains("budget.maxCost", error.Message, StringComparison.Ordinal);
    }

    private async Task<JobRecord> RunAsync(JobBudget budget)
    {
        var request = JobRuntimeHarness.Request("spend") with { Budget = budget };
        var job = await _runtime.Jobs.StartAsync(request, CancellationToken.None);
        return await _runtime.CompletionAsync(job.Id);
    }
}
