using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Testing;

public abstract partial class JobStoreTests
{
    private const string FirstTrace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private const string SecondTrace = "00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01";

    [Fact]
    public async Task Commit_TraceParent_StoredAndKeptUntilReplaced()
    {
        var job = await CreateJobAsync(StoreTestData.Job());
        Assert.Null((await Store.GetJobAsync(job.Id, Ct))?.TraceParent);

        await Store.CommitAsync(StoreTestData.LogCommit(job.Id, 1) with { TraceParent = FirstTrace }, Ct);
        await Store.CommitAsync(StoreTestData.LogCommit(job.Id, 2), Ct);
        Assert.Equal(FirstTrace, (await Store.GetJobAsync(job.Id, Ct))?.TraceParent);

        await Store.CommitAsync(StoreTestData.LogCommit(job.Id, 3) with { TraceParent = SecondTrace }, Ct);
        Assert.Equal(SecondTrace, (await Store.GetJobAsync(job.Id, Ct))?.TraceParent);
    }

    [Fact]
    public async Task CountJobs_CountsOneStateAcrossOrganisations()
    {
        var before = await Store.CountJobsAsync(JobState.Failed, Ct);
        var a = await CreateJobAsync(StoreTestData.Job(organizationId: "org-a"));
        var b = await CreateJobAsync(StoreTestData.Job(organizationId: "org-b"));
        await CreateJobAsync(StoreTestData.Job(organizationId: "org-a"));
        foreach (var job in new[] { a, b })
        {
            await Store.CommitAsync(StoreTestData.LogCommit(job.Id, 1) with { State = JobState.Failed, Error = "x", FinishedAt = StoreTestData.T0 }, Ct);
        }

        Assert.Equal(before + 2, await Store.CountJobsAsync(JobState.Failed, Ct));
    }
}
