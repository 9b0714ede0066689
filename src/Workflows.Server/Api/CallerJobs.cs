using Workflows.Engine.Jobs;
using Workflows.Blocks.Net;
using Workflows.Server.Api.Mapping;
using Workflows.Server.Auth;

namespace Workflows.Server.Api;

/// <summary>Job access as every API needs it: organisation-scoped and limited to the token's recipes.</summary>
internal static class CallerJobs
{
    /// <summary>A job the caller may see; 404 (never 403) for other organisations' jobs and other recipes' jobs.</summary>
    public static async Task<JobRecord> GetVisibleJobAsync(
        this JobService jobs, Caller caller, string? jobId, CancellationToken cancellationToken, string notFoundMessage = "")
    {
        caller.EnsureCanRead();
        var id = JobMapper.ParseJobId(jobId, notFoundMessage);
        JobRecord job;
        try
        {
            job = await jobs.GetAsync(caller.OrganizationId, id, cancellationToken);
        }
        catch (EngineException e) when (e.Kind == EngineErrorKind.NotFound && notFoundMessage.Length > 0)
        {
            throw new EngineException(EngineErrorKind.NotFound, notFoundMessage);
        }

        return caller.CanUseApp(job.AppId)
            ? job
            : throw new EngineException(EngineErrorKind.NotFound, notFoundMessage.Length > 0 ? notFoundMessage : $"job '{id}' not found");
    }

    /// <summary>
    /// Checks a callback or progress URL when the run is requested: absolute http(s), and the outbound guard must
    /// accept its host (a literal address, or every address the name resolves to is checked; nothing is connected).
    /// A refused URL is a 400 naming the field, the URL and why. Each delivery is checked again when it connects.
    /// </summary>
    public static async Task<string?> CheckDeliveryUrlAsync(
        this OutboundGuard guard, string? url, string field, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(url))
        {
            return null;
        }

        if (url.Length > 2048 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, $"{field} must be an absolute http(s) URL, got '{Truncate(url)}'");
        }

        return await guard.ValidateUrlAsync(url, cancellationToken) is { } refusal
            ? throw new EngineException(EngineErrorKind.InvalidArgument, $"{field} '{Truncate(url)}' cannot be used: {refusal}")
            : url;
    }

    private static string Truncate(string text) => text.Length <= 100 ? text : text[..100] + "…";
}
