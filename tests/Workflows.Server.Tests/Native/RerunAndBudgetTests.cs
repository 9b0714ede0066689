using System.Net;
using System.Text.Json.Nodes;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Native;

/// <summary>Budgets on the native Run request and RerunJob, over gRPC and REST.</summary>
[Collection(ServerCollection.Name)]
public sealed class RerunAndBudgetTests(ServerFixture fixture)
{
    [Fact]
    public async Task Run_BudgetSpentByFirstBilledBlock_FailsBudgetExceededBeforeTheSecond()
    {
        var run = await fixture.Grpc().RunAsync(
            new RunRequest
            {
                AppId = "priced",
                Variables = JobHelpers.Vars(("topic", "otters")),
                Budget = new Budget { MaxCost = "0.0001" },
            },
            ServerFixture.Bearer(fixture.ExecToken),
            JobHelpers.Deadline());

        var job = await fixture.WaitForEndAsync(fixture.ExecToken, run.Job.Id);
        Assert.Equal(JobState.Failed, job.State);
        Assert.StartsWith("budget_exceeded: maxCost 0.0001", job.Error, StringComparison.Ordinal);
        var events = await fixture.WatchToEndAsync(fixture.ExecToken, run.Job.Id);
        Assert.DoesNotContain(events, e => e.Type == "block_started" && e.BlockId == "polish");
    }

    [Theory]
    [InlineData("{\"maxCost\":\"-1\"}", "budget.maxCost")]
    [InlineData("{\"maxCost\":\"half\"}", "budget.maxCost")]
    [InlineData("{\"maxTokens\":-5}", "budget.maxTokens")]
    public async Task Run_BadBudget_BadRequestNamingTheField(string budget, string field)
    {
        using var client = fixture.Rest(fixture.ExecToken);

        var response = await client.PostJsonAsync("/v1/runs", new JsonObject
        {
            ["appId"] = "priced",
            ["variables"] = new JsonObject { ["topic"] = "otters" },
            ["budget"] = JsonNode.Parse(budget),
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains(field, response.Json?.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RerunJob_Rest_NewJobOfTheSameWorkflowWithVariablesOverlaidAndRerunOf()
    {
        var original = await fixture.RunAsync(fixture.ExecToken, "priced", ("topic", "otters"));
        using var client = fixture.Rest(fixture.ExecToken);

        var response = await client.PostJsonAsync($"/v1/jobs/{original.Job.Id}:rerun", new JsonObject
        {
            ["variables"] = new JsonObject { ["topic"] = "badgers" },
        });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var rerun = response.Json!["job"]!;
        Assert.Equal(original.Job.Id, rerun["rerunOf"]!.GetValue<string>());
        Assert.NotEqual(original.Job.Id, rerun["id"]!.GetValue<string>());
        Assert.Equal("priced", rerun["appId"]!.GetValue<string>());
        var job = await fixture.WaitForEndAsync(fixture.ExecToken, rerun["id"]!.GetValue<string>());
        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal("badgers", job.Variables.Fields["topic"].StringValue);
        Assert.Equal(original.Job.Id, job.RerunOf);
    }

    [Fact]
    public async Task RerunJob_UnknownJob_NotFound()
    {
        await JobHelpers.ThrowsStatusAsync(Grpc.Core.StatusCode.NotFound, () =>
            fixture.Grpc().RerunJobAsync(
                new RerunJobRequest { JobId = Guid.NewGuid().ToString() }, ServerFixture.Bearer(fixture.ExecToken), JobHelpers.Deadline()).ResponseAsync);
    }

    [Fact]
    public async Task RerunJob_FromBlock_EarlierBlockReusedAndUnknownBlockBadRequest()
    {
        var original = await fixture.RunAsync(fixture.ExecToken, "priced", ("topic", "otters"));
        using var client = fixture.Rest(fixture.ExecToken);

        var response = await client.PostJsonAsync($"/v1/jobs/{original.Job.Id}:rerun", new JsonObject { ["fromBlock"] = "polish" });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var id = response.Json!["job"]!["id"]!.GetValue<string>();
        var events = await fixture.WatchToEndAsync(fixture.ExecToken, id);
        Assert.Equal(["polish"], events.Where(e => e.Type == "block_started").Select(e => e.BlockId));
        Assert.Equal(JobState.Succeeded, (await fixture.WaitForEndAsync(fixture.ExecToken, id)).State);

        var unknown = await client.PostJsonAsync($"/v1/jobs/{original.Job.Id}:rerun", new JsonObject { ["fromBlock"] = "nope" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Contains("fromBlock", unknown.Json?.ToJsonString(), StringComparison.Ordinal);
    }
}
