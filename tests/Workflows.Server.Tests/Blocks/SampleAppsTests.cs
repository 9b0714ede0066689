using Google.Protobuf.WellKnownTypes;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Blocks;

/// <summary>The sample apps that show the block library (apps/triage, apps/pipeline) run as documented.</summary>
[Collection(ServerCollection.Name)]
public sealed class SampleAppsTests(ServerFixture fixture)
{
    [Fact]
    public async Task Run_Triage_EscalatesUrgentTicketAndSkipsCalm()
    {
        var response = await fixture.RunAsync(fixture.AdminToken, "triage");

        Assert.Equal(JobState.Succeeded, response.Job.State);
        var result = response.Result.StructValue.Fields;
        Assert.Equal("Escalate 1 of 3 tickets: #2 URGENT: checkout is down", result["summary"].StringValue);
        Assert.True(result["urgent"].BoolValue);
        var events = await fixture.WatchToEndAsync(fixture.AdminToken, response.Job.Id);
        Assert.Single(events, e => e.Type == "block_skipped" && e.BlockId == "calm");
        Assert.Single(events, e => e.Type == "log" && e.BlockId == "classify" && e.Text == "3 items, 0 failed");
    }

    [Fact]
    public async Task Run_Triage_NothingUrgent_TakesElseBranch()
    {
        var variables = new Struct();
        variables.Fields["tickets"] = Value.ForList(Value.ForString("a question"));

        var response = await fixture.Grpc().RunAsync(
            new RunRequest { AppId = "triage", Variables = variables }, ServerFixture.Bearer(fixture.AdminToken), JobHelpers.Deadline());

        Assert.Equal("Nothing urgent among 1 tickets.", response.Result.StructValue.Fields["summary"].StringValue);
    }

    [Fact]
    public async Task Run_Pipeline_PausesThenCleansInChildJob()
    {
        var response = await fixture.RunAsync(fixture.AdminToken, "pipeline", ("text", "  hello   big \n world "));

        Assert.Equal(JobState.Succeeded, response.Job.State);
        var result = response.Result.StructValue.Fields;
        Assert.Equal("hello big world", result["text"].StringValue);
        Assert.Equal(3, result["words"].NumberValue);
        var finished = response.Job.FinishTime.ToDateTimeOffset();
        Assert.True(finished - response.Job.CreateTime.ToDateTimeOffset() >= TimeSpan.FromMilliseconds(500));
    }
}
