using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Engine.Apps;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;
using Workflows.Engine.Diagnostics;
using Workflows.Engine.Execution;
using Workflows.Engine.Jobs.Internal;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Jobs;

/// <summary>
/// Runs jobs in this process: marks them started, resumes them from their checkpointed block outputs,
/// feeds the executor, and commits every step before watchers see it. The executor never touches storage;
/// this class does.
/// </summary>
public sealed partial class JobRunner(
    IJobStore store,
    IAppCatalog catalog,
    WorkflowExecutor executor,
    BlockRegistry blocks,
    JobEventHub hub,
    ICallbackPayloadFactory payloads,
    IOptions<JobOptions> options,
    TimeProvider time,
    ILogger<JobRunner> logger,
    IEnumerable<IJobRunListener> listeners,
    ClusterNode node,
    JobWakeSchedule wakes,
    WorkflowVersions versions) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, RunningJob> _running = new();
    private readonly CancellationTokenSource _shutdown = new();

    /// <summary>Whether this runner is shutting down (jobs stop unfinished, to resume on the next start).</summary>
    public bool IsShuttingDown => _shutdown.IsCancellationRequested;

    /// <summary>Number of jobs executing in this process.</summary>
    public int RunningCount => _running.Count;

    /// <summary>Per-organisation counts of running jobs, for the concurrent-jobs limit.</summary>
    internal RunningJobCounts Counts { get; } = new();

    /// <summary>
    /// Starts running a stored job in the background; does nothing if it already runs here. <paramref name="resumedByClaim"/>
    /// says the store resumed it from a wait as it was claimed (its job_resumed event is written already).
    /// </summary>
    public void Start(JobRecord job, bool resumedByClaim = false) => Start(job, Counts.Acquire(job.OrganizationId), null, resumedByClaim);

    /// <summary>Starts a job with a slot of its organisation's count taken beforehand; the runner owns the slot from here.</summary>
    internal void Start(JobRecord job, RunningJobCounts.Slot slot) => Start(job, slot, null, false);

    /// <summary>
    /// Starts a job that is not stored yet: its first commit stores it (<see cref="JobCommit.Create"/>). Returns a task that
    /// completes once it is stored (or fails with the reason it was not), and the run's completion as
    /// <see cref="GetCompletion"/> gives it (which stops giving it once the run is over, possibly before the caller asks).
    /// </summary>
    internal (Task Stored, Task<JobRecord> Completion) StartNew(JobRecord job, IReadOnlyList<JobEvent> events, RunningJobCounts.Slot slot) =>
        Start(job, slot, new NewJob(job, events), false) is { } started
            ? started
            : throw new InvalidOperationException($"job {job.Id} already runs");

    private (Task Stored, Task<JobRecord> Completion)? Start(JobRecord job, RunningJobCounts.Slot slot, NewJob? create, bool resumedByClaim)
    {
        var running = new RunningJob(CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token), slot) { ResumedByClaim = resumedByClaim };
        if (!_running.TryAdd(job.Id, running))
        {
            running.Dispose();
            if (create is null && _running.TryGetValue(job.Id, out var earlier) && earlier.Task is { IsCompleted: false } ending)
            {
                // A claim (the store gave this node the job's lease) while the run that let the lease go, by suspending
                // the job, is still unwinding after that commit: run it once that run is gone, instead of leaving the
                // claimed job idle until its lease runs out.
                _ = ending.ContinueWith(_ => Start(job, resumedByClaim), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }

            return null;
        }

        var execution = new JobExecution(store, hub, time, job, node.Id, create, blocks)
        {
            CommitRetryWindow = options.Value.CommitRetryWindow,
            // Nothing more of this run can be stored: stop its blocks now instead of letting them act for a record that
            // will not hold what they did.
            OnBroken = _ => Abandon(job.Id),
        };
        foreach (var listener in listeners)
        {
            try
            {
                listener.JobRunning(job);
            }
            catch (Exception ex)
            {
                // A listener is an add-on (progress forwarding); it must never keep a job from running.
                LogListenerFault(logger, job.Id, ex);
            }
        }

        // A new job runs on its caller's thread up to its first wait: that caller is a request waiting for the job to be
        // stored, and the steps taken meanwhile join the commit that stores it; a hop to the pool first would only add a
        // queue wait. Any other start (a claim, a wake, a takeover) comes from a loop that must not run jobs itself.
        running.Task = create is not null ? RunAsync(execution, running) : Task.Run(() => RunAsync(execution, running));
        return (execution.Stored, running.Completion.Task);
    }

    /// <summary>Whether the job executes in this process.</summary>
    public bool IsRunningHere(Guid jobId) => _running.ContainsKey(jobId);

    /// <summary>A task that completes with the job's final record when it finishes here, or null if it does not run here.</summary>
    public Task<JobRecord>? GetCompletion(Guid jobId) =>
        _running.TryGetValue(jobId, out var running) ? running.Completion.Task : null;

    /// <summary>The ids of the jobs executing in this process.</summary>
    public IReadOnlyCollection<Guid> RunningJobIds => [.. _running.Keys];

    /// <summary>
    /// Stops running a job here without writing anything: its lease is lost (another node took it over, or it was
    /// finished elsewhere), so whatever it would write now would be refused anyway.
    /// </summary>
    public void Abandon(Guid jobId)
    {
        if (_running.TryGetValue(jobId, out var running))
        {
            running.Abandoned = true;
            running.Cancellation.Cancel();
        }
    }

    /// <summary>Asks a job running here to stop; false when it does not run here.</summary>
    public bool RequestCancel(Guid jobId, string reason)
    {
        if (!_running.TryGetValue(jobId, out var running))
        {
            return false;
        }

        running.CancelReason ??= reason;
        running.Cancellation.Cancel();
        return true;
    }

    private async Task RunAsync(JobExecution execution, RunningJob running)
    {
        var job = execution.Job;
        using var span = JobTracing.StartRun(job);
        // This attempt's span is stored with its first commit: the next attempt, on any node, continues its trace.
        execution.RecordTrace(span?.Id);
        // Without a span of its own (nothing samples it) the run still logs the trace it belongs to: the request's.
        using var scope = JobScope(logger, job.Id, (span ?? Activity.Current)?.TraceId.ToHexString());
        EngineTelemetry.JobsRunning.Add(1);
        try
        {
            await ExecuteAsync(execution, running);
            Ended(execution.Job, job.State);
            running.Completion.TrySetResult(execution.Job with { RunSummary = execution.Summary });
        }
        catch (Exception) when (execution.Broken is { } broken)
        {
            // A commit could not be made durable. Either another writer owns the job now (it finished it, or took the
            // lease over), or the store stayed unreachable: then the job stays at its last durable commit, and once this
            // node's lease runs out a claim (here or elsewhere) resumes it from there. Either way this run writes nothing more.
            if (DurableCommit.IsRefusal(broken))
            {
                LogLostJob(logger, job.Id);
            }
            else
            {
                LogCommitFailed(logger, job.Id, broken);
            }

            running.Completion.TrySetResult(await ReadStoredAsync(execution));
        }
        catch (Exception ex) when (IsStoreOutage(ex))
        {
            // The store could not be read or written for now (a dropped connection, a database restart): the job is left
            // as stored, and once this node's lease runs out a claim (here or elsewhere) resumes it from there.
            LogCommitFailed(logger, job.Id, ex);
            running.Completion.TrySetResult(await ReadStoredAsync(execution));
        }
        catch (OperationCanceledException) when (StopsUnfinished(running))
        {
            // Left unfinished on purpose: the next start (or the node that took the lease over) resumes it from its
            // last completed block.
            running.Completion.TrySetCanceled();
        }
        catch (ConcurrencyException)
        {
            // Someone else finished the job (for example a cancel while this node was not running it).
            LogLostJob(logger, job.Id);
            running.Completion.TrySetResult(await ReadStoredAsync(execution));
        }
        catch (Exception ex)
        {
            LogRunnerFault(logger, job.Id, ex);
            try
            {
                // The details stay in the log; the caller sees a plain message.
                await execution.FinishAsync(JobState.Failed, null, "internal error while running the job", payloads);
                Ended(execution.Job, job.State);
                running.Completion.TrySetResult(execution.Job);
            }
            catch (Exception finishError)
            {
                LogRunnerFault(logger, job.Id, finishError);
                running.Completion.TrySetException(ex);
            }
        }
        finally
        {
            EngineTelemetry.JobsRunning.Add(-1);
            JobTracing.EndRun(span, execution.Job);
            execution.AbandonCreate();
            _running.TryRemove(job.Id, out _);
            running.Dispose();
        }
    }

    // A database error that may pass (the stores' drivers all derive theirs from DbException), or a store refusing work
    // for a moment; never an error of the job's own.
    private static bool IsStoreOutage(Exception ex) =>
        ex is System.Data.Common.DbException or StoreBusyException or TimeoutException ||
        (ex.InnerException is { } inner && inner is System.Data.Common.DbException or TimeoutException);

    // The job as stored, or as of this execution's last durable commit when the store cannot say.
    private async Task<JobRecord> ReadStoredAsync(JobExecution execution)
    {
        try
        {
            return await store.GetJobAsync(execution.Job.Id, CancellationToken.None) ?? execution.Durable;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return execution.Durable;
        }
    }

    // A job this attempt took to a terminal state: counted once, with its duration from its first start.
    private void Ended(JobRecord final, JobState before)
    {
        if (!final.State.IsTerminal() || before.IsTerminal())
        {
            return;
        }

        var state = new KeyValuePair<string, object?>("state", JobTracing.StateName(final.State));
        EngineTelemetry.JobsFinished.Add(1, state);
        var finished = final.FinishedAt ?? time.GetUtcNow();
        EngineTelemetry.JobDuration.Record(Math.Max(0, (finished - (final.StartedAt ?? final.CreatedAt)).TotalSeconds), state);
        LogJobEnded(logger, final.Id, final.State, final.Error);
    }

    private async Task ExecuteAsync(JobExecution execution, RunningJob running)
    {
        var job = execution.Job;
        if (job.CancelRequested is { } requested)
        {
            // Cancelled while no node ran it (waiting, or between owners): it ends without running another block.
            await execution.FinishAsync(JobState.Cancelled, null, requested, payloads);
            return;
        }

        var app = catalog.GetApp(job.OrganizationId, job.AppId);
        WorkflowDefinition? workflow;
        try
        {
            // The definition the job started with, whatever its app looks like now.
            workflow = await versions.ForJobAsync(job, app, CancellationToken.None);
        }
        catch (DefinitionException ex)
        {
            await execution.FinishAsync(JobState.Failed, null, $"the workflow definition the job started with no longer loads: {ex.Message}", payloads);
            return;
        }

        // A waiting job arrives here resumed by its claim (running, job_resumed stored) or, with a cancel request, was
        // finished above; a running one was either resumed by its claim or is taken over after a restart.
        var resumed = job.State == JobState.Running;
        if (resumed && !running.ResumedByClaim)
        {
            await execution.LogAsync("job resumed after a restart");
        }
        else if (!resumed)
        {
            await execution.StartAsync();
            EngineTelemetry.JobsStarted.Add(1);
            EngineTelemetry.QueueDelay.Record(Math.Max(0, (time.GetUtcNow() - job.CreatedAt).TotalSeconds));
        }

        var reused = !resumed && workflow is not null && job.ReusedOutputs is { Count: > 0 } outputs ? outputs : null;
        if (reused is not null)
        {
            // A rerun from a block: the reused blocks are completed in this job's store like blocks it ran, so a restart
            // resumes after them as after any completed block.
            await execution.ReuseAsync(workflow!, reused, job.RerunOf);
        }

        if (app is null || workflow is null)
        {
            await execution.FinishAsync(JobState.Failed, null, $"workflow '{job.Workflow}' of app '{job.AppId}' no longer exists", payloads);
            return;
        }

        var earlier = resumed ? await ReadEarlierAttemptAsync(job.Id) : EarlierAttempt.None;

        // The time limit counts running time only: what earlier stretches ran (stored at each wait), plus, after a crash,
        // the stretch the crash cut short (from its job_started or job_resumed on).
        var stretchStart = time.GetUtcNow();
        var ranBefore = job.RunTime;
        if (job.State == JobState.Running && earlier.LastStart is { } lastStart && lastStart < stretchStart)
        {
            ranBefore += stretchStart - lastStart;
        }

        var request = new ExecutionRequest
        {
            JobId = job.Id,
            OrganizationId = job.OrganizationId,
            App = app,
            Workflow = workflow,
            LaunchVariables = job.Variables,
            CompletedOutputs = resumed
                ? await store.GetOutputsAsync(job.Id, CancellationToken.None)
                : reused ?? new Dictionary<string, System.Text.Json.Nodes.JsonNode?>(),
            SkippedBlocks = earlier.Skipped,
            StartedBlocks = earlier.Started,
            DefaultBlockTimeout = options.Value.BlockTimeout > TimeSpan.Zero ? options.Value.BlockTimeout : null,
            Inbox = execution,
            Spending = job.Budget is null ? null : execution,
        };
        execution.AddEarlierSpend(earlier.Cost, earlier.Tokens);

        var limit = options.Value.MaxDuration - ranBefore;
        using var timeout = new CancellationTokenSource(limit > TimeSpan.Zero ? limit : TimeSpan.FromMilliseconds(1), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(running.Cancellation.Token, timeout.Token);
        ExecutionOutcome outcome;
        try
        {
            outcome = await executor.ExecuteAsync(request, execution, linked.Token);
        }
        catch (OperationCanceledException) when (StopsUnfinished(running))
        {
            throw;
        }
        catch (OperationCanceledException) when (running.CancelReason is not null)
        {
            await execution.FinishAsync(JobState.Cancelled, null, running.CancelReason, payloads);
            return;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            await execution.FinishAsync(JobState.Failed, null, $"job exceeded its time limit of {options.Value.MaxDuration}", payloads);
            return;
        }

        if (outcome.IsWaiting)
        {
            await execution.SuspendAsync(outcome.Waits, ranBefore + (time.GetUtcNow() - stretchStart));
            foreach (var (_, wait) in outcome.Waits)
            {
                // A signal stored before the wait makes the job due at once (the store decides): look now.
                if ((wait.Signal is not null ? time.GetUtcNow() : wait.DueAt) is { } due)
                {
                    wakes.DueAt(due);
                }
            }

            return;
        }

        if (outcome.Succeeded)
        {
            await execution.FinishAsync(JobState.Succeeded, outcome.Result ?? System.Text.Json.Nodes.JsonValue.Create(""), null, payloads);
        }
        else
        {
            await execution.FinishAsync(JobState.Failed, null, outcome.Error ?? "job failed", payloads);
        }
    }

    // What the event log says about an earlier attempt: blocks skipped, and blocks started but not finished (with
    // the time of their block_started, so they resume with their original start instead of starting over).
    private async Task<EarlierAttempt> ReadEarlierAttemptAsync(Guid jobId)
    {
        var skipped = new HashSet<string>(StringComparer.Ordinal);
        var started = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        DateTimeOffset? lastStart = null;
        var cost = 0m;
        var tokens = 0L;
        long after = 0;
        while (true)
        {
            var batch = await store.GetEventsAsync(jobId, after, 1000, CancellationToken.None);
            foreach (var ev in batch)
            {
                if (ev.Type is JobEventTypes.JobStarted or JobEventTypes.JobResumed)
                {
                    lastStart = ev.Time;
                }

                if (ev.BlockId is { } blockId && ev.Type is not JobEventTypes.JobWaiting)
                {
                    switch (ev.Type)
                    {
                        case JobEventTypes.BlockSkipped:
                            skipped.Add(blockId);
                            break;
                        case JobEventTypes.BlockStarted:
                            started[blockId] = ev.Time;
                            break;
                        case JobEventTypes.BlockCompleted:
                            started.Remove(blockId);
                            cost += Billing.CostOf(ev.Data);
                            tokens += Billing.TokensOf(ev.Data);
                            break;
                        case JobEventTypes.BlockFailed:
                            started.Remove(blockId);
                            break;
                    }
                }

                after = ev.Sequence;
            }

            if (batch.Count < 1000)
            {
                return new EarlierAttempt(skipped, started, lastStart, cost, tokens);
            }
        }
    }

    private bool StopsUnfinished(RunningJob running) => _shutdown.IsCancellationRequested || running.Abandoned;

    /// <summary>
    /// Stops running jobs without finishing them and gives their leases up, so another node (or the next start)
    /// resumes them at once.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync();
        var ids = _running.Keys.ToArray();
        var tasks = _running.Values.Select(r => r.Task).OfType<Task>().ToArray();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        if (ids.Length > 0)
        {
            try
            {
                await store.ReleaseLeasesAsync(node.Id, ids, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The leases then run out on their own; other nodes take the jobs a little later.
                LogReleaseFailed(logger, ids.Length, ex);
            }
        }

        _shutdown.Dispose();
    }

    // Every log line written while a job runs here (by the runner, a block, a model client) carries job_id and trace_id,
    // named as SPEC.md names them (snake case, as log pipelines index them), not in the PascalCase of message templates.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1727", Justification = "SPEC names the scope keys job_id and trace_id.")]
    private static readonly Func<ILogger, Guid, string?, IDisposable?> JobScope =
        LoggerMessage.DefineScope<Guid, string?>("job_id:{job_id} trace_id:{trace_id}");

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {JobId} ended {State}: {Error}")]
    private static partial void LogJobEnded(ILogger logger, Guid jobId, JobState state, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not give up the leases of {Count} jobs at shutdown")]
    private static partial void LogReleaseFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} was finished by another writer; this runner stopped")]
    private static partial void LogLostJob(ILogger logger, Guid jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} could not commit; its run stopped here and resumes from its last commit once its lease runs out")]
    private static partial void LogCommitFailed(ILogger logger, Guid jobId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "A job run listener failed for job {JobId}")]
    private static partial void LogListenerFault(ILogger logger, Guid jobId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Runner fault on job {JobId}")]
    private static partial void LogRunnerFault(ILogger logger, Guid jobId, Exception exception);

    private sealed record EarlierAttempt(
        IReadOnlySet<string> Skipped, IReadOnlyDictionary<string, DateTimeOffset> Started, DateTimeOffset? LastStart, decimal Cost, long Tokens)
    {
        public static EarlierAttempt None { get; } = new(new HashSet<string>(), new Dictionary<string, DateTimeOffset>(), null, 0m, 0);
    }

    private sealed class RunningJob(CancellationTokenSource cancellation, RunningJobCounts.Slot slot) : IDisposable
    {
        public CancellationTokenSource Cancellation { get; } = cancellation;
        public TaskCompletionSource<JobRecord> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string? CancelReason { get; set; }
        public bool Abandoned { get; set; }
        public bool ResumedByClaim { get; init; }
        public Task? Task { get; set; }

        public void Dispose()
        {
            slot.Dispose();
            Cancellation.Dispose();
        }
    }
}
