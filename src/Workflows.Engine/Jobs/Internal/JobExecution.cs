using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;
using Workflows.Engine.Execution;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Jobs.Internal;

/// <summary>
/// The runner's side of one job's run: turns executor reports into events and commits them to the store,
/// numbered without gaps. A job has at most one commit on its way to the store at a time; whatever the job reports
/// meanwhile is merged into the next commit (one transaction with all its events, outputs, posts and state), which is
/// sent once the one before it is durable. The first commit of a burst is sent from the thread pool rather than
/// inline, so the steps a job takes without waiting (a run of template blocks and its terminal event) go to the store
/// as one commit instead of one each. Watchers see an event only after its commit is durable, and the terminal
/// commit — the one that acknowledges the result — completes only after every earlier commit of the job is durable.
/// </summary>
/// <remarks>
/// Given a <see cref="NewJob"/>, the job is not in the store yet: its first commit stores it in the same transaction, and
/// <see cref="Stored"/> completes when that commit is durable (or fails with its error).
/// </remarks>
internal sealed class JobExecution(
    IJobStore store, JobEventHub hub, TimeProvider time, JobRecord job, string? leaseOwner = null, NewJob? create = null, BlockRegistry? blocks = null)
    : IExecutionObserver, IJobInbox, ISpendGate
{
    // Signals a block read, by block id: taken (marked consumed) in the commit of that block's completion. Made by the
    // first signal read: most runs read none, and an empty concurrent dictionary is about 1 KB.
    private System.Collections.Concurrent.ConcurrentDictionary<string, long>? _takenSignals;

    private readonly Lock _order = new();

    // Under _order: the batch taking changes (not yet sent), whether a commit is scheduled or on its way to the store
    // (then changes wait in _open), and the task of the last batch that took a change.
    private Batch? _open;
    private bool _sending;
    private Task _tail = Task.CompletedTask;

    // Under _order: every post and the summed cost this execution queued. They are the whole run's when the job had
    // nothing but its job_queued event when this execution took it (no earlier attempt wrote any).
    private readonly bool _fromStart = job.LastSequence <= 1;
    private readonly List<JobPost> _posts = [];
    private decimal _cost;

    // Under _order: what the job spent in all its attempts, for its budget (earlier attempts' spend seeded by the runner).
    private decimal _spentCost;
    private long _spentTokens;

    // Under _order: the job to store with the first commit, until that commit is made.
    private NewJob? _create = create;
    private readonly TaskCompletionSource _stored = NewStoredSource(create);

    // Under _order: the trace context of this attempt's span, until a commit takes it.
    private string? _traceParent;

    /// <summary>Completes once the job is in the store (at once when it was stored before this execution).</summary>
    public Task Stored => _stored.Task;

    // Under _order: what the changes so far set (a change only sets these), made into _job when Job is read or a batch is
    // sent: a record per change was 10 % of a sync run's allocations. _job's other fields never change.
    private JobRecord _job = job;
    private bool _jobBehind;
    private long _lastSequence = job.LastSequence;
    private JobState _state = job.State;
    private DateTimeOffset? _startedAt = job.StartedAt;
    private DateTimeOffset? _finishedAt = job.FinishedAt;
    private JsonNode? _result = job.Result;
    private string? _error = job.Error;
    private string? _jobTraceParent = job.TraceParent;

    /// <summary>The job as it will be once every queued commit is applied (numbering only: nobody is told of it before it is durable).</summary>
    public JobRecord Job
    {
        get
        {
            lock (_order)
            {
                return CurrentJob();
            }
        }
    }

    /// <summary>The job as of its last durable commit (as given, before the first).</summary>
    public JobRecord Durable { get; private set; } = job;

    /// <summary>
    /// How long a commit the store fails for a reason that may pass (a lost connection) is sent again before the run
    /// gives up on this node (see <see cref="Broken"/>).
    /// </summary>
    public TimeSpan CommitRetryWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Called once when the execution breaks (see <see cref="Broken"/>), so its owner stops the run.</summary>
    public Action<Exception>? OnBroken { get; init; }

    private static readonly TimeSpan CreateRetryWindow = TimeSpan.FromSeconds(3);

    // Under _order: the error of the first commit that could not be made durable.
    private Exception? _broken;

    /// <summary>
    /// The error of the first commit that could not be made durable (the store refused it, or stayed unreachable through
    /// <see cref="CommitRetryWindow"/>), or null. Once broken, nothing more is sent: every later commit would build on
    /// numbers the store never took. The job stays as <see cref="Durable"/> says, for another writer or a later claim.
    /// </summary>
    public Exception? Broken
    {
        get
        {
            lock (_order)
            {
                return _broken;
            }
        }
    }

    public ValueTask BlockStartedAsync(BlockDefinition block, CancellationToken cancellationToken)
    {
        Submit(new Change([Event(JobEventTypes.BlockStarted, block)]));
        // Until the job is stored only blocks that compute in this process run (BlockAttribute.InProcess): anything that acts
        // outside it (a request, a model call, a child job, a timer, a file) waits, so nothing is done for a job that was
        // never acknowledged.
        return _stored.Task.IsCompleted || RunsInProcess(block.Type) ? ValueTask.CompletedTask : new ValueTask(_stored.Task);
    }

    private bool RunsInProcess(string type) => blocks is not null && blocks.TryDescribe(type, out var descriptor) && descriptor.InProcess;


    public ValueTask BlockCompletedAsync(BlockDefinition block, BlockResult result, TimeSpan duration, CancellationToken cancellationToken)
    {
        // One copy for the event and the checkpoint: neither is changed after this, and the store serialises a node it
        // sees twice once.
        var output = result.Output?.DeepClone();
        var ev = Event(JobEventTypes.BlockCompleted, block) with { Output = output, Duration = duration, Data = result.Data };
        return Queue(new Change([ev])
        {
            ConsumeSignals = _takenSignals is { } taken && taken.TryRemove(block.Id, out var signalId) ? [signalId] : [],
            Outputs = [new BlockOutput(block.Id, output)],
            Posts = result.Post is null ? [] : [NewPost(block.Id, "assistant", result.Post)],
            Cost = Billing.CostOf(result.Data),
            Tokens = Billing.TokensOf(result.Data),
        });
    }

    public ValueTask BlockFailedAsync(BlockDefinition block, string error, TimeSpan duration, CancellationToken cancellationToken) =>
        AppendAsync(Event(JobEventTypes.BlockFailed, block) with { Error = error, Duration = duration });

    public ValueTask BlockSkippedAsync(BlockDefinition block, string reason, CancellationToken cancellationToken) =>
        AppendAsync(Event(JobEventTypes.BlockSkipped, block) with { Text = reason });

    public ValueTask TextDeltaAsync(BlockDefinition block, string text, CancellationToken cancellationToken) =>
        AppendAsync(Event(JobEventTypes.TextDelta, block) with { Text = text });

    public ValueTask LogAsync(BlockDefinition block, string message, CancellationToken cancellationToken) =>
        AppendAsync(Event(JobEventTypes.Log, block) with { Text = message });

    public ValueTask LogAsync(BlockDefinition block, string message, JsonObject? data, CancellationToken cancellationToken) =>
        AppendAsync(Event(JobEventTypes.Log, block) with { Text = message, Data = data?.DeepClone().AsObject() });

    /// <summary>Appends a job-level log line.</summary>
    public ValueTask LogAsync(string message) =>
        AppendAsync(new JobEvent(_job.Id, 0, JobEventTypes.Log, StoredTime.Now(time)) { Text = message });

    /// <summary>
    /// Stores <paramref name="traceParent"/> (this attempt's <c>workflow.run</c> span) with the job's next commit, so a later
    /// attempt on any node continues the same trace.
    /// </summary>
    public void RecordTrace(string? traceParent)
    {
        lock (_order)
        {
            _traceParent = traceParent;
        }
    }

    /// <summary>Marks the job running.</summary>
    public ValueTask StartAsync()
    {
        var now = StoredTime.Now(time);
        return Queue(new Change([new JobEvent(_job.Id, 0, JobEventTypes.JobStarted, now)])
        {
            State = JobState.Running,
            StartedAt = now,
        });
    }

    /// <inheritdoc />
    public async ValueTask<JsonObject?> TakeSignalAsync(string blockId, string name, CancellationToken cancellationToken)
    {
        var signal = await store.GetPendingSignalAsync(_job.Id, name, cancellationToken);
        if (signal is null)
        {
            return null;
        }

        LazyInitializer.EnsureInitialized(ref _takenSignals, static () => new(StringComparer.Ordinal))[blockId] = signal.Id;
        return signal.Payload;
    }

    /// <summary>
    /// Suspends the job: one <c>job_waiting</c> event per waiting block, state waiting, the wait and the running time so
    /// far, in one commit that also gives up the lease. Completes once durable.
    /// </summary>
    public Task SuspendAsync(IReadOnlyList<(string BlockId, JobWait Wait)> waits, TimeSpan runTime)
    {
        var now = StoredTime.Now(time);
        DateTimeOffset? due = null;
        var signals = new List<string>();
        var events = new List<JobEvent>(waits.Count);
        foreach (var (blockId, wait) in waits)
        {
            if (wait.DueAt is { } at && (due is null || at < due))
            {
                due = at;
            }

            if (wait.Signal is { } name && !signals.Contains(name, StringComparer.Ordinal))
            {
                signals.Add(name);
            }

            events.Add(new JobEvent(_job.Id, 0, JobEventTypes.JobWaiting, now) { BlockId = blockId, Data = wait.ToData(blockId) });
        }

        return Submit(new Change(events)
        {
            State = JobState.Waiting,
            Wait = new JobWaitCommit(due, signals, now),
            RunTime = runTime,
        });
    }

    /// <summary>
    /// Records blocks a rerun reuses as completed (their <c>block_completed</c> events, without cost, and their outputs);
    /// completes once durable.
    /// </summary>
    public Task ReuseAsync(WorkflowDefinition workflow, IReadOnlyDictionary<string, JsonNode?> outputs, Guid? from)
    {
        var events = new List<JobEvent>();
        var stored = new List<BlockOutput>();
        foreach (var block in workflow.Blocks)
        {
            if (outputs.TryGetValue(block.Id, out var output))
            {
                events.Add(Event(JobEventTypes.BlockCompleted, block) with
                {
                    Output = output,
                    Duration = TimeSpan.Zero,
                    Text = $"reused the output of job {from}",
                });
                stored.Add(new BlockOutput(block.Id, output));
            }
        }

        return Submit(new Change(events) { Outputs = stored });
    }

    /// <summary>Writes the terminal event and state, with the callback delivery in the same transaction.</summary>
    public async ValueTask FinishAsync(JobState state, JsonNode? result, string? error, ICallbackPayloadFactory payloads)
    {
        var now = StoredTime.Now(time);
        var type = state switch
        {
            JobState.Succeeded => JobEventTypes.JobSucceeded,
            JobState.Cancelled => JobEventTypes.JobCancelled,
            _ => JobEventTypes.JobFailed,
        };
        // One copy for the terminal event and the job's result (the store serialises it once).
        result = result?.DeepClone();
        DateTimeOffset startedAt;
        lock (_order)
        {
            startedAt = _startedAt ?? _job.CreatedAt;
        }

        var ev = new JobEvent(_job.Id, 0, type, now)
        {
            Output = result,
            Error = error,
            Duration = now - startedAt,
        };
        var change = new Change([ev])
        {
            State = state,
            FinishedAt = now,
            Result = result,
            Error = error,
            Posts = error is null ? [] : [NewPost(null, "system", error)],
        };
        if (!string.IsNullOrEmpty(_job.CallbackUrl))
        {
            List<JobPost> posts;
            string billingCost;
            if (Summary is { } run)
            {
                // This execution saw the whole run: its posts and cost are at hand.
                posts = [.. run.Posts];
                billingCost = Billing.Format(run.BillingCost);
            }
            else
            {
                // An earlier attempt wrote some: everything queued before must be durable first, then the callback body
                // reads the stored posts and costs (so those of blocks run before a restart count too).
                await DrainAsync();
                posts = [.. await store.GetPostsAsync(_job.Id, CancellationToken.None)];
                billingCost = Billing.Format(await Billing.SumAsync(store, _job.Id, CancellationToken.None));
            }

            posts.AddRange(change.Posts);
            change = change with { Callback = next => payloads.Create(next, posts, billingCost) };
        }

        // Without a callback the terminal step joins whatever the job queued before it (one commit); either way it
        // completes only once it and everything before it is durable.
        await Submit(change);
    }

    /// <summary>The posts and cost queued so far, when they are the whole run's (see <see cref="JobRecord.RunSummary"/>); else null.</summary>
    public JobRunSummary? Summary
    {
        get
        {
            lock (_order)
            {
                return _fromStart ? new JobRunSummary([.. _posts], _cost) : null;
            }
        }
    }

    /// <summary>Adds what earlier attempts of the job spent (read from its stored events) to what its budget counts.</summary>
    public void AddEarlierSpend(decimal cost, long tokens)
    {
        lock (_order)
        {
            _spentCost += cost;
            _spentTokens += tokens;
        }
    }

    /// <inheritdoc />
    public string? Refuse(BlockDefinition block)
    {
        if (_job.Budget is not { } budget)
        {
            return null;
        }

        lock (_order)
        {
            return budget.Refusal(_spentCost, _spentTokens, block.Id);
        }
    }

    /// <summary>Waits until every queued commit is durable (or throws the error of the last one).</summary>
    public Task DrainAsync()
    {
        lock (_order)
        {
            return _tail;
        }
    }

    private JobEvent Event(string type, BlockDefinition block) =>
        new(_job.Id, 0, type, StoredTime.Now(time)) { BlockId = block.Id, BlockType = block.Type };

    private JobPost NewPost(string? blockId, string role, string content) =>
        new(Guid.NewGuid().ToString("N"), blockId, role, content, StoredTime.Now(time));

    private ValueTask AppendAsync(JobEvent ev) => Queue(new Change([ev]));

    /// <summary>Queues a change without waiting for it; a failure surfaces at the next drain or terminal commit.</summary>
    private ValueTask Queue(Change change)
    {
        Submit(change);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Numbers the change's events and adds it to the open batch (synchronously, so changes keep their order); returns
    /// a task that completes once the batch is durable and its events were published.
    /// </summary>
    private Task Submit(Change change)
    {
        lock (_order)
        {
            if (_open is null)
            {
                _open = new Batch(_lastSequence) { Create = _create };
                _create = null;
            }

            var batch = _open;
            foreach (var ev in change.Events)
            {
                batch.Events.Add(ev with { Sequence = ++_lastSequence });
            }

            _state = change.State ?? _state;
            _startedAt = change.StartedAt ?? _startedAt;
            _finishedAt = change.FinishedAt ?? _finishedAt;
            _result = change.Result ?? _result;
            _error = change.Error ?? _error;
            _jobTraceParent = _traceParent ?? _jobTraceParent;
            _jobBehind = true;
            batch.TraceParent = _traceParent ?? batch.TraceParent;
            _traceParent = null;

            batch.Outputs.AddRange(change.Outputs);
            batch.ConsumeSignals.AddRange(change.ConsumeSignals);
            batch.Wait = change.Wait ?? (change.State is null ? batch.Wait : null);
            batch.RunTime = change.RunTime ?? batch.RunTime;
            batch.Posts.AddRange(change.Posts);
            _posts.AddRange(change.Posts);
            _cost += change.Cost;
            _spentCost += change.Cost;
            _spentTokens += change.Tokens;
            // The store leaves a column unchanged when its value is null, so the latest set value is the merged one.
            batch.State = change.State ?? batch.State;
            batch.StartedAt = change.StartedAt ?? batch.StartedAt;
            batch.FinishedAt = change.FinishedAt ?? batch.FinishedAt;
            batch.Result = change.Result ?? batch.Result;
            batch.Error = change.Error ?? batch.Error;
            if (change.Callback is { } callbackBody)
            {
                var next = CurrentJob();
                batch.Outbox.Add(new OutboxMessage
                {
                    DeliveryId = $"msg_{next.Id:N}",
                    JobId = next.Id,
                    OrganizationId = next.OrganizationId,
                    Kind = "callback",
                    Url = next.CallbackUrl!,
                    Payload = callbackBody(next),
                    NextAttemptAt = next.FinishedAt ?? StoredTime.Now(time),
                    CreatedAt = StoredTime.Now(time),
                });
            }

            _tail = batch.Done.Task;
            if (!_sending)
            {
                // Sent from the pool: what this thread reports before it next waits joins the same commit.
                _sending = true;
                ThreadPool.UnsafeQueueUserWorkItem(static self => self.SendOpen(), this, preferLocal: true);
            }

            return batch.Done.Task;
        }
    }

    // Under _order: the job as of the last change, made into a record once per run of changes.
    private JobRecord CurrentJob()
    {
        if (_jobBehind)
        {
            _job = _job with
            {
                LastSequence = _lastSequence,
                State = _state,
                StartedAt = _startedAt,
                FinishedAt = _finishedAt,
                Result = _result,
                Error = _error,
                TraceParent = _jobTraceParent,
            };
            _jobBehind = false;
        }

        return _job;
    }

    private void SendOpen()
    {
        Batch? batch;
        lock (_order)
        {
            batch = _open;
            _open = null;
            if (batch is not null)
            {
                // Every change made so far is in this batch: the job as of now is the job once it is durable.
                batch.After = CurrentJob();
            }

            _sending = batch is not null;
        }

        if (batch is not null)
        {
            _ = SendAsync(batch);
        }
    }

    // Commits one batch (sending it again while the store fails for a reason that may pass); once it is durable,
    // publishes its events and sends the batch that filled meanwhile. A batch that cannot be made durable breaks the
    // execution: the batches after it fail with its error without reaching the store, as their numbers build on it.
    private async Task SendAsync(Batch batch)
    {
        Exception? failure;
        lock (_order)
        {
            failure = _broken;
        }

        // The commit that stores the job answers a caller who waits for it: it is sent again only briefly, and the caller
        // hears "unavailable" (and may retry) instead of hanging through a long outage.
        var window = batch.Create is null ? CommitRetryWindow : TimeSpan.FromTicks(Math.Min(CommitRetryWindow.Ticks, CreateRetryWindow.Ticks));
        failure ??= await DurableCommit.SendAsync(store, ToCommit(batch), window);
        if (failure is null)
        {
            lock (_order)
            {
                Durable = batch.After!;
            }

            if (batch.Create is { } created)
            {
                _stored.TrySetResult();
                hub.Publish(created.Events);
            }

            hub.Publish(batch.Events);
            batch.Done.TrySetResult();
        }
        else
        {
            bool first;
            lock (_order)
            {
                first = _broken is null;
                _broken ??= failure;
            }

            if (batch.Create is not null)
            {
                _stored.TrySetException(failure);
            }

            batch.Done.TrySetException(failure);
            // Observed here, so a failure nobody drains (a step queued after the run was abandoned) is not reported as unobserved.
            _ = batch.Done.Task.Exception;
            if (first)
            {
                OnBroken?.Invoke(failure);
            }
        }

        SendOpen();
    }

    private JobCommit ToCommit(Batch batch) => new()
    {
        JobId = _job.Id,
        ExpectedSequence = batch.ExpectedSequence,
        Events = batch.Events,
        Outputs = batch.Outputs,
        Posts = batch.Posts,
        State = batch.State,
        StartedAt = batch.StartedAt,
        FinishedAt = batch.FinishedAt,
        Result = batch.Result,
        Error = batch.Error,
        Outbox = batch.Outbox,
        LeaseOwner = leaseOwner,
        Create = batch.Create,
        Wait = batch.Wait,
        RunTime = batch.RunTime,
        ConsumeSignals = batch.ConsumeSignals,
        TraceParent = batch.TraceParent,
    };

    /// <summary>Ends <see cref="Stored"/> for a run that stopped before its first commit (the job was never stored).</summary>
    public void AbandonCreate()
    {
        lock (_order)
        {
            if (_create is not null)
            {
                _create = null;
                _stored.TrySetException(new InvalidOperationException($"job {_job.Id} stopped before it was stored"));
            }
        }
    }

    private static TaskCompletionSource NewStoredSource(NewJob? create)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (create is null)
        {
            source.SetResult();
        }

        return source;
    }

    /// <summary>What one commit will write: the changes queued while the commit before it was on its way.</summary>
    private sealed class Batch(long expectedSequence)
    {
        public NewJob? Create { get; init; }
        public long ExpectedSequence { get; } = expectedSequence;
        public JobRecord? After { get; set; }
        public List<JobEvent> Events { get; } = [];
        public List<BlockOutput> Outputs { get; } = [];
        public List<JobPost> Posts { get; } = [];
        public List<OutboxMessage> Outbox { get; } = [];
        public List<long> ConsumeSignals { get; } = [];
        public JobWaitCommit? Wait { get; set; }
        public TimeSpan? RunTime { get; set; }
        public JobState? State { get; set; }
        public DateTimeOffset? StartedAt { get; set; }
        public DateTimeOffset? FinishedAt { get; set; }
        public JsonNode? Result { get; set; }
        public string? Error { get; set; }
        public string? TraceParent { get; set; }
        // Continuations run on the thread that made the batch durable (SendAsync, after the lock is released): they are
        // this job's own run going on after a durable step (FinishAsync, SuspendAsync, ReuseAsync, DrainAsync), so they
        // run at once instead of after a queue wait, and the job's next batch is sent when they next wait.
        public TaskCompletionSource Done { get; } = new();
    }

    private sealed record Change(IReadOnlyList<JobEvent> Events)
    {
        public IReadOnlyList<BlockOutput> Outputs { get; init; } = [];
        public IReadOnlyList<JobPost> Posts { get; init; } = [];
        public IReadOnlyList<long> ConsumeSignals { get; init; } = [];
        public JobWaitCommit? Wait { get; init; }
        public TimeSpan? RunTime { get; init; }
        public JobState? State { get; init; }
        public DateTimeOffset? StartedAt { get; init; }
        public DateTimeOffset? FinishedAt { get; init; }
        public JsonNode? Result { get; init; }
        public string? Error { get; init; }
        public decimal Cost { get; init; }
        public long Tokens { get; init; }
        public Func<JobRecord, string>? Callback { get; init; }
    }
}
