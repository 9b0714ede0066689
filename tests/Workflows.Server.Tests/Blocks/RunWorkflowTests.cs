using Grpc.Core;
using Google.Protobuf.WellKnownTypes;
using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Blocks;

/// <summary>run_workflow and foreach over workflows through whole runs: real child jobs, linked and visible.</summary>
[Collection(ServerCollection.Name)]
public sealed class RunWorkflowTests(ServerFixture fixture)
{
    private WorkflowService.WorkflowServiceClient Client => fixture.Grpc();

    private Metadata Auth => ServerFixture.Bearer(fixture.AdminToken);

    private async Task<RunResponse> RunAsync(string workflow, Struct variables, TimeSpan? wait = null)
    {
        var request = new RunRequest { AppId = "family", Workflow = workflow, Variables = variables };
        if (wait is { } w)
        {
            request.Wait = Duration.FromTimeSpan(w);
        }

        return await Client.RunAsync(request, Auth, JobHelpers.Deadline());
    }

    private async Task<Job> GetJobAsync(string id) =>
        (await Client.GetJobAsync(new GetJobRequest { JobId = id }, Auth, JobHelpers.Deadline())).Job;

    private static string ChildIdFrom(IEnumerable<JobEvent> events, string blockId) =>
        events.First(e => e.Type == "log" && e.BlockId == blockId && e.Text.StartsWith("started child job ", StringComparison.Ordinal))
            .Data.Fields["childJobId"].StringValue;

    [Fact]
    public async Task Run_RunWorkflow_StartsLinkedChildAndShowsItsText()
    {
        var response = await RunAsync("main", JobHelpers.Vars(("topic", "otters")));

        Assert.Equal(JobState.Succeeded, response.Job.State);
        Assert.Equal("parent got: all about otters", response.Result.StringValue);
        Assert.Equal("", response.Job.ParentJobId);

        var events = await fixture.WatchToEndAsync(fixture.AdminToken, response.Job.Id);
        JobHelpers.AssertGaplessToEnd(events, 1, "job_succeeded");
        var childId = ChildIdFrom(events, "sub");
        var log = events.Single(e => e.Type == "log" && e.BlockId == "sub");
        Assert.Equal($"started child job {childId}", log.Text);
        Assert.Equal("all about otters", string.Concat(events.Where(e => e.Type == "text_delta" && e.BlockId == "sub").Select(e => e.Text)));
        Assert.Equal("all about otters", events.Single(e => e.Type == "block_completed" && e.BlockId == "sub").Output.StringValue);

        var child = await GetJobAsync(childId);
        Assert.Equal(response.Job.Id, child.ParentJobId);
        // The child has its parent's creator: the subject of the token that started the parent.
        Assert.Equal(("Workflow", "Workflow"), (response.Job.Creator, child.Creator));
        Assert.Equal(("child", JobState.Succeeded), (child.Workflow, child.State));
        Assert.Equal("all about otters", child.Result.StringValue);
    }

    [Fact]
    public async Task Run_RunWorkflowChildFails_ParentFailsNamingChild()
    {
        var response = await RunAsync("fail", new Struct());

        Assert.Equal(JobState.Failed, response.Job.State);
        var events = await fixture.WatchToEndAsync(fixture.AdminToken, response.Job.Id);
        var childId = ChildIdFrom(events, "sub");
        Assert.Equal(
            $"block 'sub' failed: child job {childId} failed: block 'boom' failed: script error: child broke (line 1)",
            response.Job.Error);
        Assert.Equal(JobState.Failed, (await GetJobAsync(childId)).State);
    }

    [Fact]
    public async Task Run_ForeachWorkflow_OneChildPerItemInOrder()
    {
        var variables = new Struct();
        variables.Fields["topics"] = Value.ForList(Value.ForString("x"), Value.ForString("y"), Value.ForString("z"));

        var response = await RunAsync("many", variables);

        Assert.Equal(JobState.Succeeded, response.Job.State);
        Assert.Equal(["all about x", "all about y", "all about z"], response.Result.ListValue.Values.Select(v => v.StringValue));
        var jobs = await Client.ListJobsAsync(new ListJobsRequest { AppId = "family", PageSize = 500 }, Auth, JobHelpers.Deadline());
        var children = jobs.Jobs.Where(j => j.ParentJobId == response.Job.Id).ToList();
        Assert.Equal(3, children.Count);
        Assert.All(children, c => Assert.Equal(("child", JobState.Succeeded), (c.Workflow, c.State)));
    }

    [Fact]
    public async Task CancelJob_ParentWaitingForChild_CancelsChildToo()
    {
        var gate = Guid.NewGuid().ToString("N");
        var started = await RunAsync("waits", JobHelpers.Vars(("gate", gate)), TimeSpan.Zero);
        await GateBlock.Reached(gate).WaitAsync(JobHelpers.Timeout);
        var parentEvents = new List<JobEvent>();
        using (var call = Client.WatchJob(new WatchJobRequest { JobId = started.Job.Id }, Auth, JobHelpers.Deadline()))
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                parentEvents.Add(call.ResponseStream.Current.Event);
                if (parentEvents[^1].Type == "log" && parentEvents[^1].BlockId == "sub")
                {
                    break;
                }
            }
        }

        var childId = ChildIdFrom(parentEvents, "sub");

        await Client.CancelJobAsync(new CancelJobRequest { JobId = started.Job.Id, Reason = "test" }, Auth, JobHelpers.Deadline());

        var parent = await fixture.WaitForEndAsync(fixture.AdminToken, started.Job.Id);
        var child = await fixture.WaitForEndAsync(fixture.AdminToken, childId);
        Assert.Equal(JobState.Cancelled, parent.State);
        Assert.Equal(JobState.Cancelled, child.State);
        Assert.Contains(started.Job.Id, child.Error, StringComparison.Ordinal);
    }
}
