using System.Text;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Testing;

public abstract partial class JobStoreTests
{
    [Fact]
    public async Task ListJobs_120JobsInPagesOf50_NewestFirstWithoutGapsOrDuplicates()
    {
        // Groups of three share a creation time, so the id has to break ties consistently across pages.
        var jobs = Enumerable.Range(0, 120)
            .Select(i => StoreTestData.Job("org-a", createdAt: StoreTestData.T0.AddSeconds(i / 3)))
            .ToList();
        await Task.WhenAll(jobs.Select(CreateJobAsync));
        await CreateJobAsync(StoreTestData.Job("org-b"));
        var expected = jobs
            .OrderByDescending(job => job.CreatedAt)
            .ThenByDescending(job => job.Id.ToString("D"), StringComparer.Ordinal)
            .Select(job => job.Id)
            .ToList();

        var seen = new List<Guid>();
        var pageSizes = new List<int>();
        string? token = null;
        do
        {
            var page = await Store.ListJobsAsync(new JobQuery("org-a", 50, token), Ct);
            seen.AddRange(page.Jobs.Select(job => job.Id));
            pageSizes.Add(page.Jobs.Count);
            token = page.NextPageToken;
        }
        while (token is not null && pageSizes.Count < 10);

        Assert.Equal([50, 50, 20], pageSizes);
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task ListJobs_ExactlyOnePage_HasNoNextToken()
    {
        for (var i = 0; i < 3; i++)
        {
            await CreateJobAsync(StoreTestData.Job(createdAt: StoreTestData.T0.AddSeconds(i)));
        }

        var page = await Store.ListJobsAsync(new JobQuery("org-a", 3, null), Ct);

        Assert.Equal(3, page.Jobs.Count);
        Assert.Null(page.NextPageToken);
    }

    [Fact]
    public async Task ListJobs_FilterByStateAndApps_ReturnsOnlyMatches()
    {
        var a1 = await CreateJobAsync(StoreTestData.Job(appId: "a", createdAt: StoreTestData.T0.AddSeconds(1)));
        var a2 = await CreateJobAsync(StoreTestData.Job(appId: "a", createdAt: StoreTestData.T0.AddSeconds(2)));
        var b1 = await CreateJobAsync(StoreTestData.Job(appId: "b", createdAt: StoreTestData.T0.AddSeconds(3)));
        var c1 = await CreateJobAsync(StoreTestData.Job(appId: "c", createdAt: StoreTestData.T0.AddSeconds(4)));
        await Store.CommitAsync(new JobCommit { JobId = a2.Id, ExpectedSequence = 1, State = JobState.Running }, Ct);
        await Store.CommitAsync(new JobCommit { JobId = b1.Id, ExpectedSequence = 1, State = JobState.Running }, Ct);

        var running = await Store.ListJobsAsync(new JobQuery("org-a", 50, null) { State = JobState.Running }, Ct);
        var ofAandC = await Store.ListJobsAsync(new JobQuery("org-a", 50, null) { AppIds = ["a", "c"] }, Ct);
        var runningOfA = await Store.ListJobsAsync(new JobQuery("org-a", 50, null) { State = JobState.Running, AppIds = ["a"] }, Ct);
        var ofNone = await Store.ListJobsAsync(new JobQuery("org-a", 50, null) { AppIds = [] }, Ct);

        StoreAssert.IdsEqual([b1.Id, a2.Id], running.Jobs);
        StoreAssert.IdsEqual([c1.Id, a2.Id, a1.Id], ofAandC.Jobs);
        StoreAssert.IdsEqual([a2.Id], runningOfA.Jobs);
        Assert.Empty(ofNone.Jobs);
    }

    [Fact]
    public async Task ListJobs_FilteredPaging_KeepsFilterAcrossPages()
    {
        var matching = new List<JobRecord>();
        for (var i = 0; i < 7; i++)
        {
            matching.Add(await CreateJobAsync(StoreTestData.Job(appId: "a", createdAt: StoreTestData.T0.AddSeconds(i))));
            await CreateJobAsync(StoreTestData.Job(appId: "b", createdAt: StoreTestData.T0.AddSeconds(i)));
        }

        var first = await Store.ListJobsAsync(new JobQuery("org-a", 4, null) { AppIds = ["a"] }, Ct);
        var second = await Store.ListJobsAsync(new JobQuery("org-a", 4, first.NextPageToken) { AppIds = ["a"] }, Ct);

        StoreAssert.IdsEqual(matching.AsEnumerable().Reverse().Select(job => job.Id), [.. first.Jobs, .. second.Jobs]);
        Assert.Null(second.NextPageToken);
    }

    [Fact]
    public async Task ListJobs_OtherOrganization_NotListed()
    {
        await CreateJobAsync(StoreTestData.Job("org-a"));
        var mine = await CreateJobAsync(StoreTestData.Job("org-b"));

        var page = await Store.ListJobsAsync(new JobQuery("org-b", 50, null), Ct);

        StoreAssert.IdsEqual([mine.Id], page.Jobs);
        Assert.Empty((await Store.ListJobsAsync(new JobQuery("org-c", 50, null), Ct)).Jobs);
    }

    [Fact]
    public async Task ListJobs_PageSizeOutOfRange_IsClamped()
    {
        await Task.WhenAll(Enumerable.Range(0, 502).Select(i => CreateJobAsync(StoreTestData.Job(createdAt: StoreTestData.T0.AddMilliseconds(i)))));

        var tooSmall = await Store.ListJobsAsync(new JobQuery("org-a", 0, null), Ct);
        var tooLarge = await Store.ListJobsAsync(new JobQuery("org-a", 10_000, null), Ct);

        Assert.Single(tooSmall.Jobs);
        Assert.NotNull(tooSmall.NextPageToken);
        Assert.Equal(500, tooLarge.Jobs.Count);
        Assert.NotNull(tooLarge.NextPageToken);
    }

    [Theory]
    [InlineData("not a token")]
    [InlineData("%%%")]
    [InlineData("bm9jb2xvbg")] // base64url of "nocolon"
    public async Task ListJobs_MalformedPageToken_ThrowsArgumentException(string token)
    {
        await CreateJobAsync(StoreTestData.Job());

        var exception = await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ListJobsAsync(new JobQuery("org-a", 10, token), Ct));
        Assert.Contains("token", exception.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ListJobs_TokenOfWellFormedGarbage_ThrowsArgumentException()
    {
        var garbage = Convert.ToBase64String(Encoding.UTF8.GetBytes("12:not-a-guid")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ListJobsAsync(new JobQuery("org-a", 10, garbage), Ct));
    }
}
