using Microsoft.Extensions.DependencyInjection;
using Workflows.Engine.Blocks;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Jobs.Internal;

/// <summary>
/// The engine's <see cref="IChildJobRunner"/>: child jobs go through <see cref="JobService"/> like any job.
/// </summary>
/// <remarks>
/// Blocks that start children take this runner in their constructor, and the block registry builds them; but the job
/// service and runner depend on the registry. So the runner resolves them on first use, after the registry exists,
/// which keeps the container free of a cycle (and lets a host that only parses workflows build every block).
/// </remarks>
internal sealed class ChildJobRunner(IServiceProvider services) : IChildJobRunner
{
    /// <summary>How deep children may nest; deeper usually means a workflow that starts itself.</summary>
    public const int MaxDepth = 8;

    private readonly Lazy<JobService> _jobs = new(services.GetRequiredService<JobService>);
    private readonly Lazy<IJobStore> _store = new(services.GetRequiredService<IJobStore>);
    private readonly Lazy<JobRunner> _runner = new(services.GetRequiredService<JobRunner>);

    private JobService Jobs => _jobs.Value;

    private IJobStore Store => _store.Value;

    private JobRunner Runner => _runner.Value;

    public async Task<ChildJob> StartAsync(ChildJobRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parent = await Store.GetJobAsync(request.OrganizationId, request.ParentJobId, cancellationToken)
            ?? throw new BlockException($"parent job '{request.ParentJobId}' not found");

        var existing = await Store.FindByIdempotencyKeyAsync(request.OrganizationId, request.IdempotencyKey, cancellationToken);
        if (existing is not null)
        {
            return new ChildJob(existing, Existing: true);
        }

        await CheckDepthAsync(parent, cancellationToken);
        try
        {
            var job = await Jobs.StartAsync(
                new StartJobRequest
                {
                    OrganizationId = request.OrganizationId,
                    AppId = request.AppId,
                    Workflow = request.Workflow,
                    Variables = request.Variables,
                    IdempotencyKey = request.IdempotencyKey,
                    CreatedBy = parent.CreatedBy,
                    Creator = parent.Creator,
                    ParentJobId = parent.Id,
                },
                cancellationToken);
            return new ChildJob(job, Existing: false);
        }
        catch (EngineException e)
        {
            throw new BlockException(e.Message, e);
        }
    }

    public async Task<JobRecord> FollowAsync(
        JobRecord child,
        long afterSequence,
        Func<JobEvent, CancellationToken, ValueTask>? onEvent,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(child);
        try
        {
            await foreach (var ev in Jobs.WatchAsync(child.OrganizationId, child.Id, afterSequence, cancellationToken))
            {
                if (onEvent is not null)
                {
                    await onEvent(ev, cancellationToken);
                }
            }

            return await Jobs.GetAsync(child.OrganizationId, child.Id, CancellationToken.None);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !Runner.IsShuttingDown)
        {
            // The parent stopped (cancelled, timed out, or a sibling failed): the child must not run on alone. At
            // shutdown both are left running on purpose and resume together.
            await Jobs.CancelAsync(child.OrganizationId, child.Id, $"its parent job '{child.ParentJobId}' stopped", CancellationToken.None);
            throw;
        }
    }

    private async Task CheckDepthAsync(JobRecord parent, CancellationToken cancellationToken)
    {
        var depth = 1;
        var current = parent;
        while (current.ParentJobId is { } next)
        {
            if (++depth > MaxDepth)
            {
                throw new BlockException($"child jobs nest more than {MaxDepth} levels deep (does a workflow start itself?)");
            }

            current = await Store.GetJobAsync(parent.OrganizationId, next, cancellationToken);
            if (current is null)
            {
                return;
            }
        }
    }
}
