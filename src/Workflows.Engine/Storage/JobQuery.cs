using Workflows.Engine.Jobs;

namespace Workflows.Engine.Storage;

/// <summary>A page request over an organisation's jobs, newest first.</summary>
/// <param name="OrganizationId">Only this organisation's jobs.</param>
/// <param name="PageSize">At most this many.</param>
/// <param name="PageToken">Opaque token from the previous page, or null for the first.</param>
public sealed record JobQuery(string OrganizationId, int PageSize, string? PageToken)
{
    /// <summary>Only jobs in this state.</summary>
    public JobState? State { get; init; }

    /// <summary>Only jobs of these apps (null for all).</summary>
    public IReadOnlyCollection<string>? AppIds { get; init; }
}

/// <summary>One page of jobs.</summary>
/// <param name="Jobs">Newest first.</param>
/// <param name="NextPageToken">Token for the next page, or null on the last.</param>
public sealed record JobPage(IReadOnlyList<JobRecord> Jobs, string? NextPageToken);
