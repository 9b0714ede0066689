using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Workflows.Engine.Apps;
using Workflows.Engine.Definitions;
using Workflows.Engine.Files;
using Workflows.Engine.Jobs.Internal;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Jobs;

/// <summary>
/// What every API calls: start, wait for, read, cancel and watch jobs. The gRPC service and both REST
/// dialects map onto these methods, so they never fork behaviour.
/// </summary>
public sealed partial class JobService(
    IJobStore store,
    IAppCatalog catalog,
    JobRunner runner,
    JobEventHub hub,
    IOptions<JobOptions> options,
    IOptions<LimitOptions> limits,
    TimeProvider time,
    IFileInputResolver files,
    ICallbackPayloadFactory payloads,
    ClusterNode node,
    Blocks.BlockRegistry blocks,
    JobWakeSchedule wakes,
    WorkflowVersions versions)
{
    private const int ReplayBatch = 500;

    /// <summary>The configured timing settings.</summary>
    public JobOptions Options => options.Value;

    /// <summary>
    /// Waits up to <paramref name="wait"/> for the job to finish and returns its latest record
    /// (still running when the wait ran out).
    /// </summary>
    public async Task<JobRecord> WaitAsync(JobRecord job, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (wait <= TimeSpan.Zero || job.State.IsTerminal())
        {
            return job;
        }

        var deadline = time.GetUtcNow() + wait;
        var completion = runner.GetCompletion(job.Id);
        if (completion is not null)
        {
            job = await AwaitOrReadAsync(completion, wait, job.OrganizationId, job.Id, cancellationToken);
            wait = deadline - time.GetUtcNow();
            if (job.State.IsTerminal() || wait <= TimeSpan.Zero)
            {
                return job;
            }

            // The run here stopped to wait (delay, signal): follow the job wherever it resumes.
        }

        // Not running here (finished already, or run by another node): follow its events.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        try
        {
            await foreach (var ev in WatchAsync(job.OrganizationId, job.Id, job.LastSequence, timeout.Token))
            {
                if (ev.IsTerminal)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The wait ran out; answer with the job as it is.
        }

        return await GetAsync(job.OrganizationId, job.Id, cancellationToken);
    }

    /// <summary>The job's final record when it finishes on this node within <paramref name="limit"/>, else the record as stored now.</summary>
    private async Task<JobRecord> AwaitOrReadAsync(
        Task<JobRecord> completion, TimeSpan limit, string organizationId, Guid jobId, CancellationToken cancellationToken)
    {
        try
        {
            return await completion.WaitAsync(limit, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            return await GetAsync(organizationId, jobId, cancellationToken);
        }
    }

    /// <summary>A job of the organisation; 404 when unknown or another organisation's.</summary>
    public async Task<JobRecord> GetAsync(string organizationId, Guid jobId, CancellationToken cancellationToken) =>
        await store.GetJobAsync(organizationId, jobId, cancellationToken) ?? throw EngineException.JobNotFound(jobId);

    /// <summary>A page of the organisation's jobs.</summary>
    public async Task<JobPage> ListAsync(JobQuery query, CancellationToken cancellationToken)
    {
        try
        {
            return await store.ListJobsAsync(query, cancellationToken);
        }
        catch (ArgumentException ex)
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, ex.Message);
        }
    }

    /// <summary>The job's posts (from the run that just finished here, else from the store).</summary>
    public Task<IReadOnlyList<JobPost>> GetPostsAsync(JobRecord job, CancellationToken cancellationToken) =>
        job.RunSummary is { } run ? Task.FromResult(run.Posts) : store.GetPostsAsync(job.Id, cancellationToken);

    /// <summary>
    /// What the job has cost so far: the sum of its blocks' <c>billingCost</c> (model usage priced by
    /// configured <c>Workflows:Models:Prices</c>), as an invariant decimal string such as <c>0</c> or <c>0.00045</c>.
    /// </summary>
    public async Task<string> GetBillingCostAsync(JobRecord job, CancellationToken cancellationToken) =>
        Billing.Format(job.RunSummary is { } run
            ? run.BillingCost
            : await Billing.SumAsync(store, job.Id, cancellationToken));

    /// <summary>Stops a job; returns its record afterwards (unchanged when it had already finished).</summary>
    public async Task<JobRecord> CancelAsync(string organizationId, Guid jobId, string? reason, CancellationToken cancellationToken)
    {
        var job = await GetAsync(organizationId, jobId, cancellationToken);
        if (job.State.IsTerminal())
        {
            return job;
        }

        reason = string.IsNullOrWhiteSpace(reason) ? "cancelled by request" : reason;
        // Stored before anything else, so the node running the job (any node) carries it out even if this one stops now.
        job = await store.RequestCancelAsync(jobId, reason, cancellationToken) ?? throw EngineException.JobNotFound(jobId);
        if (job.State.IsTerminal())
        {
            return job;
        }

        if (runner.RequestCancel(jobId, reason) && runner.GetCompletion(jobId) is { } completion)
        {
            return await AwaitOrReadAsync(completion, TimeSpan.FromSeconds(30), organizationId, jobId, cancellationToken);
        }

        if (job.State != JobState.Waiting && job.LeaseOwner is not null && job.LeaseExpiresAt > time.GetUtcNow())
        {
            // Another node runs it: that node sees the stored request within a second (JobWaker) and ends it itself, so
            // no block starts after job_cancelled. Wait for that end a little.
            return await WaitAsync(job, TimeSpan.FromSeconds(5), cancellationToken);
        }

        // Waiting, or held by no live node: finish it here through the same terminal commit a run ends with (event,
        // state, reason post and callback delivery in one transaction), guarded by the sequence check.
        for (var attempt = 0; attempt < 5 && !job.State.IsTerminal(); attempt++)
        {
            var execution = new JobExecution(store, hub, time, job) { CommitRetryWindow = options.Value.CommitRetryWindow };
            try
            {
                await execution.FinishAsync(JobState.Cancelled, null, reason, payloads);
                return execution.Job;
            }
            catch (ConcurrencyException)
            {
                // The job moved on meanwhile; look again.
            }

            job = await GetAsync(organizationId, jobId, cancellationToken);
        }

        return job;
    }

    /// <summary>
    /// A job's events after <paramref name="afterSequence"/>: stored ones first, then live ones, ending after
    /// the terminal event. Any number of watchers may follow one job.
    /// </summary>
    public async IAsyncEnumerable<JobEvent> WatchAsync(
        string organizationId,
        Guid jobId,
        long afterSequence,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var batch in WatchBatchesAsync(organizationId, jobId, afterSequence, cancellationToken))
        {
            foreach (var ev in batch)
            {
                yield return ev;
            }
        }
    }

    /// <summary>
    /// <see cref="WatchAsync"/> in batches: each batch is what was at hand at once (a page of stored events, or the live
    /// events that had arrived when the watcher woke), in order and without gaps, so a caller can write a batch out with
    /// one flush. A batch is only valid until the next one is asked for.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<JobEvent>> WatchBatchesAsync(
        string organizationId,
        Guid jobId,
        long afterSequence,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _ = await GetAsync(organizationId, jobId, cancellationToken);
        if (afterSequence < 0)
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, "after_sequence must not be negative");
        }

        // Subscribe before reading the store so nothing committed in between is missed.
        using var subscription = hub.Subscribe(jobId);
        // A watch can stay open for hours: what it holds across its waits is kept small (no job record, no page of
        // stored events), as 10,000 watchers on one node hold it 10,000 times.
        var last = afterSequence;
        var pending = new List<JobEvent>();
        var ended = false;
        var more = true;
        while (!ended && more)
        {
            (ended, more, last) = await ReplayPageAsync(jobId, last, pending, cancellationToken);
            if (pending.Count > 0)
            {
                yield return pending;
                pending.Clear();
            }
        }

        subscription.Acknowledge(last);

        // Watching a finished job from its terminal event on (or beyond): nothing more will ever come.
        if (ended || await HasEndedByAsync(organizationId, jobId, last, cancellationToken))
        {
            yield break;
        }

        while (!ended && await subscription.Reader.WaitToReadAsync(cancellationToken))
        {
            while (!ended && subscription.Reader.TryRead(out var ev))
            {
                if (ev.Sequence <= last)
                {
                    continue;
                }

                if (ev.Sequence > last + 1 || JobEventHub.IsWakeUp(ev))
                {
                    // This watcher fell behind and the hub dropped events, or another node committed some: read them
                    // from the store, a page at a time (each page goes out before the next is read).
                    var before = last;
                    (ended, more, last) = await ReplayPageAsync(jobId, last, pending, cancellationToken);
                    while (!ended && more && pending.Count > 0)
                    {
                        yield return pending;
                        pending.Clear();
                        (ended, more, last) = await ReplayPageAsync(jobId, last, pending, cancellationToken);
                    }

                    if (last == before && await store.GetJobAsync(jobId, cancellationToken) is null)
                    {
                        // Told of more but there is nothing, not even the job: retention removed it.
                        throw EngineException.JobNotFound(jobId);
                    }

                    subscription.Acknowledge(last);
                    continue;
                }

                ended = Take([ev], pending, ref last);
            }

            if (pending.Count > 0)
            {
                yield return pending;
                pending.Clear();
            }
        }
    }

    // One page of stored events after `last` into `into`: whether it ended with the terminal event, whether a next page may
    // follow, and the last sequence taken.
    private async Task<(bool Ended, bool More, long Last)> ReplayPageAsync(Guid jobId, long last, List<JobEvent> into, CancellationToken cancellationToken)
    {
        var page = await store.GetEventsAsync(jobId, last, ReplayBatch, cancellationToken);
        var ended = Take(page, into, ref last);
        return (ended, page.Count == ReplayBatch, last);
    }

    private async Task<bool> HasEndedByAsync(string organizationId, Guid jobId, long sequence, CancellationToken cancellationToken)
    {
        var job = await GetAsync(organizationId, jobId, cancellationToken);
        return job.State.IsTerminal() && job.LastSequence <= sequence;
    }

    // Adds the events after `last` to `into` up to and including a terminal one; true when it was terminal.
    private static bool Take(IReadOnlyList<JobEvent> events, List<JobEvent> into, ref long last)
    {
        foreach (var ev in events)
        {
            if (ev.Sequence <= last)
            {
                continue;
            }

            into.Add(ev);
            last = ev.Sequence;
            if (ev.IsTerminal)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Takes over and runs every unfinished job that no live node holds: at start (this node's own jobs from before a
    /// restart, once their leases are free) and on every heartbeat (jobs of nodes that died). Returns how many.
    /// </summary>
    public async Task<int> ClaimAbandonedJobsAsync(CancellationToken cancellationToken)
    {
        const int Batch = 200;
        var total = 0;
        while (!runner.IsShuttingDown)
        {
            var claimed = await store.ClaimJobsAsync(node.Id, time.GetUtcNow(), node.LeaseDuration, Batch, cancellationToken);
            foreach (var job in claimed)
            {
                runner.Start(job);
            }

            total += claimed.Count;
            if (claimed.Count < Batch)
            {
                break;
            }
        }

        return total;
    }

    /// <summary>
    /// The workflow a caller names: its file name (without or with <c>.flow</c>), or its display name, which is
    /// what the apps dialect's typed npm client sends; empty means <c>main</c>.
    /// </summary>
    private static WorkflowDefinition FindWorkflow(AppDefinition app, string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            name = AppDefinition.DefaultWorkflow;
        }

        if (app.Workflows.TryGetValue(name, out var workflow)
            || (name.EndsWith(".flow", StringComparison.Ordinal) && app.Workflows.TryGetValue(name[..^5], out workflow)))
        {
            return workflow;
        }

        var byTitle = app.Workflows.Values.Where(w => string.Equals(w.Title, name, StringComparison.OrdinalIgnoreCase)).Take(2).ToList();
        return byTitle.Count == 1
            ? byTitle[0]
            : throw new EngineException(EngineErrorKind.NotFound, $"workflow '{name}' not found in app '{app.Id}'");
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
