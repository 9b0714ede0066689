using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Relational.Tests;

public sealed class JobListingTests
{
    private static readonly StoreSql Sql = new(new SqlDialect('@', "app_id = ANY(@apps)"));

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-5, 1)]
    [InlineData(20, 20)]
    [InlineData(10_000, JobListing.MaxPageSize)]
    public void From_PageSize_IsClamped(int asked, int expected)
    {
        var listing = JobListing.From(new JobQuery("org", asked, null));

        Assert.Equal(expected, listing.PageSize);
        Assert.Equal(expected + 1, listing.Limit);
    }

    [Fact]
    public void From_NoToken_RunsTheFirstPage()
    {
        var listing = JobListing.From(new JobQuery("org", 10, null) { State = JobState.Running });

        Assert.Null(listing.After);
        Assert.Equal((int)JobState.Running, listing.State);
        Assert.Same(Sql.ListFirstPage, listing.Statement(Sql));
    }

    [Fact]
    public void From_Token_RunsTheNextPageAfterItsCursor()
    {
        var id = Guid.NewGuid();
        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(1234);

        var listing = JobListing.From(new JobQuery("org", 10, PageToken.Create(createdAt, id)));

        Assert.Equal(new PageCursor(createdAt, id), listing.After);
        Assert.Null(listing.State);
        Assert.Same(Sql.ListNextPage, listing.Statement(Sql));
    }

    [Fact]
    public void From_BadToken_ThrowsArgumentExceptionNamingTheQuery()
    {
        var exception = Assert.Throws<ArgumentException>(() => JobListing.From(new JobQuery("org", 10, "garbage!")));

        Assert.Equal("query", exception.ParamName);
    }

    [Fact]
    public void ToPage_OneRowMoreThanAPage_TrimsItAndPointsAtTheLastKept()
    {
        var listing = JobListing.From(new JobQuery("org", 2, null));
        var rows = new List<JobRecord> { Job(3), Job(2), Job(1) };

        var page = listing.ToPage(rows);

        Assert.Equal(2, page.Jobs.Count);
        Assert.NotNull(page.NextPageToken);
        Assert.Equal(new PageCursor(rows[1].CreatedAt, rows[1].Id), PageToken.Parse(page.NextPageToken, "query"));
    }

    [Fact]
    public void ToPage_APageOrLess_HasNoNextToken()
    {
        var listing = JobListing.From(new JobQuery("org", 2, null));

        var page = listing.ToPage([Job(2), Job(1)]);

        Assert.Equal(2, page.Jobs.Count);
        Assert.Null(page.NextPageToken);
    }

    [Fact]
    public void StoreSql_Dialect_SpellsParametersAndTheAppFilterItsWay()
    {
        var sqlite = new StoreSql(new SqlDialect('$', "app_id IN (SELECT value FROM json_each($apps))"));

        Assert.Contains("org = $org", sqlite.ListNextPage, StringComparison.Ordinal);
        Assert.Contains("(created_at, id) < ($after_created, $after_id)", sqlite.ListNextPage, StringComparison.Ordinal);
        Assert.Contains("json_each($apps)", sqlite.ListFirstPage, StringComparison.Ordinal);
        Assert.DoesNotContain("@", sqlite.ListFirstPage, StringComparison.Ordinal);
        Assert.Contains("app_id = ANY(@apps)", Sql.ListFirstPage, StringComparison.Ordinal);
        Assert.DoesNotContain("$", Sql.SelectEvents, StringComparison.Ordinal);
    }

    private static JobRecord Job(long createdAtMs) => new()
    {
        Id = Guid.NewGuid(),
        OrganizationId = "org",
        AppId = "blog",
        Workflow = "post",
        State = JobState.Queued,
        Variables = new JsonObject(),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(createdAtMs),
    };
}
