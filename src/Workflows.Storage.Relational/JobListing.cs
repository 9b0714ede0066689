using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Storage.Relational;

/// <summary>
/// One page request of a job listing, checked and ready to bind: the statement to run, its parameter values, and the
/// turning of the rows it returns (one more than a page, to know whether another follows) into a page.
/// </summary>
public readonly struct JobListing
{
    /// <summary>The largest page a caller gets, whatever it asks for.</summary>
    public const int MaxPageSize = 500;

    private JobListing(JobQuery query, int pageSize, PageCursor? after)
    {
        Query = query;
        PageSize = pageSize;
        After = after;
    }

    /// <summary>The request as the caller made it.</summary>
    public JobQuery Query { get; }

    /// <summary>Jobs per page, within 1..<see cref="MaxPageSize"/>.</summary>
    public int PageSize { get; }

    /// <summary>The <c>limit</c> parameter: one row more than a page.</summary>
    public int Limit => PageSize + 1;

    /// <summary>Where the page starts (<c>after_created</c>, <c>after_id</c>), or null for the first page.</summary>
    public PageCursor? After { get; }

    /// <summary>The <c>state</c> parameter: the state filter as its stored number, or null for any.</summary>
    public int? State => Query.State is { } state ? (int)state : null;

    /// <summary>Checks <paramref name="query"/>; a page token that is not ours is an <see cref="ArgumentException"/>.</summary>
    public static JobListing From(JobQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var after = query.PageToken is { } token ? PageToken.Parse(token, nameof(query)) : (PageCursor?)null;
        return new JobListing(query, Math.Clamp(query.PageSize, 1, MaxPageSize), after);
    }

    /// <summary>The statement of this page in <paramref name="sql"/>.</summary>
    public string Statement(StoreSql sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return After is null ? sql.ListFirstPage : sql.ListNextPage;
    }

    /// <summary>The page of <paramref name="rows"/> (which it trims), with a token when more rows follow.</summary>
    public JobPage ToPage(List<JobRecord> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        string? next = null;
        if (rows.Count > PageSize)
        {
            rows.RemoveRange(PageSize, rows.Count - PageSize);
            next = PageToken.Create(rows[^1].CreatedAt, rows[^1].Id);
        }
        return new JobPage(rows, next);
    }
}
