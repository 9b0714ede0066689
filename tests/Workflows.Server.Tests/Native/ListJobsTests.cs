using Workflows.Contracts.V1;
using Workflows.Server.Tests.Infrastructure;

namespace Workflows.Server.Tests.Native;

[Collection(ServerCollection.Name)]
public sealed class ListJobsTests(ServerFixture fixture)
{
    private const string EchoFlow = """
        name: Echo
        launchVariables:
          word: { type: string, required: true }
        blocks:
          - id: out
            type: output
            value: "{{$launchVariables->word}}"
        """;

    /// <summary>A fresh app of its own, so other tests' jobs never show up in the filtered lists.</summary>
    private async Task<string> PutEchoAppAsync()
    {
        var appId = "list-" + Guid.NewGuid().ToString("N")[..12];
        var request = new PutAppRequest { AppId = appId };
        request.Workflows["main"] = EchoFlow;
        await fixture.Grpc().PutAppAsync(request, ServerFixture.Bearer(fixture.AdminToken), JobHelpers.Deadline());
        return appId;
    }

    private async Task<ListJobsResponse> ListAsync(ListJobsRequest request, string? token = null) =>
        await fixture.Grpc().ListJobsAsync(request, ServerFixture.Bearer(token ?? fixture.AdminToken), JobHelpers.Deadline());

    [Fact]
    public async Task ListJobs_ByApp_NewestFirstAndPagedWithoutOverlap()
    {
        var appId = await PutEchoAppAsync();
        var started = new List<string>();
        foreach (var word in new[] { "one", "two", "three", "four", "five" })
        {
            started.Add((await fixture.RunAsync(fixture.AdminToken, appId, ("word", word))).Job.Id);
        }

        var seen = new List<string>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await ListAsync(new ListJobsRequest { AppId = appId, PageSize = 2, PageToken = token });
            Assert.True(page.Jobs.Count <= 2);
            seen.AddRange(page.Jobs.Select(j => j.Id));
            token = page.NextPageToken;
            Assert.True(++pages <= 4, "paging does not end");
        }
        while (token.Length > 0);

        Assert.Equal(Enumerable.Reverse(started), seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task ListJobs_DefaultPage_SortedByCreateTimeDescending()
    {
        await fixture.RunBlogAsync(fixture.ExecToken);
        await fixture.RunBlogAsync(fixture.ExecToken);

        var page = await ListAsync(new ListJobsRequest());

        Assert.True(page.Jobs.Count >= 2);
        var times = page.Jobs.Select(j => j.CreateTime.ToDateTimeOffset()).ToList();
        Assert.Equal(times.OrderDescending(), times);
    }

    [Fact]
    public async Task ListJobs_FilterByState_OnlyThatState()
    {
        var appId = await PutEchoAppAsync();
        var succeeded = (await fixture.RunAsync(fixture.AdminToken, appId, ("word", "ok"))).Job.Id;
        var gate = Guid.NewGuid().ToString("N");
        var running = (await fixture.StartGatedAsync(fixture.AdminToken, gate)).Job.Id;
        try
        {
            var runningJobs = await ListAsync(new ListJobsRequest { State = JobState.Running, PageSize = 500 });
            Assert.All(runningJobs.Jobs, j => Assert.Equal(JobState.Running, j.State));
            Assert.Contains(runningJobs.Jobs, j => j.Id == running);
            Assert.DoesNotContain(runningJobs.Jobs, j => j.Id == succeeded);

            var succeededJobs = await ListAsync(new ListJobsRequest { State = JobState.Succeeded, AppId = appId });
            Assert.Equal([succeeded], succeededJobs.Jobs.Select(j => j.Id));
        }
        finally
        {
            GateBlock.Open(gate);
        }

        await fixture.WaitForEndAsync(fixture.AdminToken, running);
    }

    [Fact]
    public async Task ListJobs_FilterByApp_OnlyThatApp()
    {
        var digest = (await fixture.RunAsync(fixture.ExecToken, "digest", ("text", "some words here"))).Job.Id;

        var page = await ListAsync(new ListJobsRequest { AppId = "digest", PageSize = 500 });

        Assert.All(page.Jobs, j => Assert.Equal("digest", j.AppId));
        Assert.Contains(page.Jobs, j => j.Id == digest);
    }

    [Fact]
    public async Task ListJobs_BadPageToken_InvalidArgument()
    {
        await JobHelpers.ThrowsStatusAsync(Grpc.Core.StatusCode.InvalidArgument, () =>
            fixture.Grpc().ListJobsAsync(new ListJobsRequest { PageToken = "not-a-token!" }, ServerFixture.Bearer(fixture.AdminToken), JobHelpers.Deadline()).ResponseAsync);
    }
}
