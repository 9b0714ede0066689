using System.Text.Json.Nodes;
using Workflows.Engine.Apps;
using Workflows.Engine.Definitions;
using Workflows.Engine.Jobs.Internal;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Jobs;

// Starting jobs: idempotency keys and the per-organisation limit on running jobs live here, so every API gets the same
// behaviour by passing the key along.
public sealed partial class JobService
{
    private static readonly TimeSpan RetryWhenBusy = TimeSpan.FromSeconds(5);

    private readonly InFlightKeys _inFlight = new();

    /// <summary>
    /// Validates the request, stores the job with its <c>job_queued</c> event, and starts it; with an idempotency key
    /// already used, answers as <see cref="RunAsync"/> does without waiting.
    /// </summary>
    public Task<JobRecord> StartAsync(StartJobRequest request, CancellationToken cancellationToken) =>
        RunAsync(request, TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// Starts a job and waits up to <paramref name="wait"/> for it (as <see cref="WaitAsync"/>). An idempotency key is
    /// per organisation: the same request with it again answers with the same job, waited for the same way; a different
    /// request is refused (<see cref="EngineErrorKind.Unprocessable"/>), and so is any request while this node is still
    /// answering the first one (<see cref="EngineErrorKind.Aborted"/>). After <see cref="JobOptions.IdempotencyKeyTtl"/>
    /// the key starts a new job. A start over <see cref="LimitOptions.MaxConcurrentJobs"/> is refused
    /// (<see cref="EngineErrorKind.ResourceExhausted"/>); child jobs never are.
    /// </summary>
    public async Task<JobRecord> RunAsync(StartJobRequest request, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.AppId))
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, "an app id is required");
        }

        var app = catalog.GetApp(request.OrganizationId, request.AppId)
            ?? throw new EngineException(EngineErrorKind.NotFound, $"app '{request.AppId}' not found");
        var workflow = request.Definition ?? FindWorkflow(app, request.Workflow);
        var key = NullIfEmpty(request.IdempotencyKey);
        if (key is null)
        {
            return await WaitAsync(await CreateAsync(request, app, workflow, null, cancellationToken), wait, cancellationToken);
        }

        var fingerprint = RequestFingerprint.Compute(app.Id, workflow.Name, request);
        if (request.ParentJobId is not null)
        {
            // A child's key is its parent block's: whatever the child was started with, a resumed parent must find it.
            var child = await store.FindByIdempotencyKeyAsync(request.OrganizationId, key, cancellationToken)
                ?? await CreateAsync(request, app, workflow, fingerprint, cancellationToken);
            return await WaitAsync(child, wait, cancellationToken);
        }

        using var inFlight = _inFlight.Enter(request.OrganizationId, key, fingerprint);
        var job = await store.FindByIdempotencyKeyAsync(request.OrganizationId, key, cancellationToken);
        if (job is not null && job.IdempotencyExpiresAt <= time.GetUtcNow())
        {
            // Expired: the new job takes the key over (the store moves it in the same transaction).
            job = null;
        }

        if (job is null)
        {
            job = await CreateAsync(request, app, workflow, fingerprint, cancellationToken);
        }
        else if (job.IdempotencyFingerprint != fingerprint)
        {
            throw IdempotencyErrors.DifferentRequest(key);
        }

        return await WaitAsync(job, wait, cancellationToken);
    }

    // Stores and starts a new job; with a key another request (on another node) stored first, returns that job instead.
    private async Task<JobRecord> CreateAsync(
        StartJobRequest request, AppDefinition app, WorkflowDefinition workflow, string? fingerprint, CancellationToken cancellationToken)
    {
        var isChild = request.ParentJobId is not null;
        // A store several nodes share counts the organisation's running jobs itself, when it stores the job (the count
        // here would see this node's only); otherwise this node runs them all, and its count is the whole count.
        var slot = isChild || store is ISharedLimitStore
            ? runner.Counts.Acquire(request.OrganizationId)
            : runner.Counts.TryAcquire(request.OrganizationId, limits.Value.MaxConcurrentJobs) ?? throw TooManyJobs(request.OrganizationId, limits.Value.MaxConcurrentJobs);
        try
        {
            JsonObject variables;
            try
            {
                variables = LaunchVariableBinder.Bind(workflow, request.Variables);
                variables = await files.ResolveAsync(request.OrganizationId, workflow, variables, cancellationToken);
            }
            catch (LaunchVariableException ex)
            {
                throw new EngineException(EngineErrorKind.InvalidArgument, ex.Message);
            }

            // Stored before the job that names it, so a job never names a definition the store lacks.
            var definitionHash = await versions.StoreAsync(workflow, cancellationToken);
            var now = StoredTime.Now(time);
            var key = NullIfEmpty(request.IdempotencyKey);
            var job = new JobRecord
            {
                Id = JobIds.Next(now),
                OrganizationId = request.OrganizationId,
                AppId = app.Id,
                Workflow = workflow.Name,
                WorkflowTitle = workflow.Title,
                State = JobState.Queued,
                Variables = variables,
                CreatedAt = now,
                LastSequence = 1,
                CreatedBy = request.CreatedBy,
                Creator = string.IsNullOrEmpty(request.Creator) ? null : request.Creator,
                CallbackUrl = NullIfEmpty(request.CallbackUrl),
                ProgressUrl = NullIfEmpty(request.ProgressUrl),
                IdempotencyKey = key,
                IdempotencyFingerprint = key is null ? null : fingerprint,
                IdempotencyExpiresAt = key is null || isChild ? null : now + options.Value.IdempotencyKeyTtl,
                Dialect = request.Dialect,
                ParentJobId = request.ParentJobId,
                ScheduleId = request.ScheduleId,
                ScheduledTime = request.ScheduledTime is { } scheduled ? StoredTime.Of(scheduled) : null,
                Budget = request.Budget ?? app.Budget,
                RerunOf = request.RerunOf,
                DefinitionHash = definitionHash,
                ReusedOutputs = request.ReusedOutputs,
                LeaseOwner = node.Id,
                LeaseExpiresAt = now + node.LeaseDuration,
            };
            var queued = new JobEvent(job.Id, 1, JobEventTypes.JobQueued, now);
            if (key is null)
            {
                // Nothing can conflict with a job without a key: it is stored with its first steps, in one transaction,
                // and this answers once that is durable (a run of template blocks is then one commit in all, and has
                // finished by now: its final record, posts and cost included, is at hand).
                var (stored, completion) = runner.StartNew(job, [queued], slot);
                slot = null;
                try
                {
                    await stored;
                }
                catch (RunningLimitException ex)
                {
                    throw TooManyJobs(ex.OrganizationId, ex.Limit);
                }
                return completion.IsCompletedSuccessfully ? completion.Result : job;
            }

            try
            {
                await store.CreateJobAsync(job, [queued], cancellationToken);
            }
            catch (RunningLimitException ex)
            {
                throw TooManyJobs(ex.OrganizationId, ex.Limit);
            }
            catch (ConcurrencyException) when (key is not null)
            {
                // Another node stored a job with the same key first: answer with its job, as a retry would get it.
                var winner = await store.FindByIdempotencyKeyAsync(job.OrganizationId, key, cancellationToken)
                    ?? throw new EngineException(EngineErrorKind.Aborted, $"a request with idempotency key '{key}' is in progress; retry");
                return isChild || winner.IdempotencyFingerprint == fingerprint ? winner : throw IdempotencyErrors.DifferentRequest(key);
            }

            hub.Publish(queued);
            runner.Start(job, slot);
            slot = null;
            return job;
        }
        finally
        {
            slot?.Dispose();
        }
    }

    private static EngineException TooManyJobs(string organizationId, int limit) => new(
        EngineErrorKind.ResourceExhausted,
        $"organisation '{organizationId}' already runs {limit} jobs, its limit (Workflows:Limits:MaxConcurrentJobs, across all nodes); " +
        $"retry after {RetryWhenBusy.TotalSeconds:0} s or when one of them finishes")
    {
        RetryAfter = RetryWhenBusy,
    };
}
