using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;
using Workflows.Engine.Execution;
using Workflows.Engine.Models.Internal;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Jobs.Internal;

/// <summary>
/// The runner's side of one job's run: turns executor reports into events and commits them to the store,
/// numbered without gaps. Commits are pipelined: each is built and queued at once, in order (the store applies one
/// job's commits in the order they were submitted), so blocks do not wait for a disk sync each; watchers see an
/// event only after its commit is durable, and the terminal commit — the one that acknowledges the result —
/// is awaited after every earlier commit of the job is durable.
/// </summary>
/// <param name="store">Where commits go.</param>
/// <param name="hub">Where durable events are published.</param>
/// <param name="time">The clock.</param>
/// <param name="job">The job as stored.</param>
/// <param name="leaseOwner">The node running the job, whose lease every commit must still hold; null for a writer that
/// is not the runner (a cancel of a job not running here).</param>
internal sealed class JobExecution(IJobStore store, JobEventHub hub, TimeProvider time, JobRecord job, string? leaseOwner = null) : IExecutionObserver
{
    private readonly Lock _order = new();
    private Task _tail = Task.CompletedTask;

    /// <summary>The job as it will be once every queued commit is applied.</summary>
    public JobRecord Job { get; private set; } = job;

    public ValueTask BlockStartedAsync(BlockDefinition block, CancellationToken cancellationToken) =>
        AppendAsync(Event(JobEventTypes.BlockStarted, block));

    public ValueTask BlockCompletedAsync(BlockDefinition block, BlockResult result, TimeSpan duration, CancellationToken cancellationToken)
    {
        var ev = Event(JobEventTypes.BlockCompleted, block) with { Output = result.Output?.DeepClone(), Duration = duration, Data = result.Data };
        return Queue(new Change([ev])
        {
            Outputs = [new BlockOutput(block.Id, result.Output?.DeepClone())],
            Posts = result.Post is null ? [] : [NewPost(block.Id, "assistant", result.Post)],
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
        AppendAsync(new JobEvent(Job.Id, 0, JobEventTypes.Log, StoredTime.Now(time)) { Text = message });

    /// <summary>Marks the job running.</summary>
    public ValueTask StartAsync()
    {
        var now = StoredTime.Now(time);
        return Queue(new Change([new JobEvent(Job.Id, 0, JobEventTypes.JobStarted, now)])
        {
            State = JobState.Running,
            StartedAt = now,
        });
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
        var ev = new JobEvent(Job.Id, 0, type, now)
        {
            Output = result?.DeepClone(),
            Error = error,
            Duration = now - (Job.StartedAt ?? Job.CreatedAt),
        };
        var change = new Change([ev])
        {
            State = state,
            FinishedAt = now,
            Result = result,
            Error = error,
            Posts = error is null ? [] : [NewPost(null, "system", error)],
        };
        // Everything queued before must be durable first: the callback body reads the stored posts and costs.
        await DrainAsync();
        if (!string.IsNullOrEmpty(Job.CallbackUrl))
        {
            var posts = new List<JobPost>(await store.GetPostsAsync(Job.Id, CancellationToken.None));
            posts.AddRange(change.Posts);
            // Read from the store, so costs of blocks run before a restart count too.
            var billingCost = Billing.Format(await Billing.SumAsync(store, Job.Id, CancellationToken.None));
            change = change with { Callback = next => payloads.Create(next, posts, billingCost) };
        }

        await Submit(change);
    }

    /// <summary>Waits until every queued commit is durable (or throws the first commit error).</summary>
    public Task DrainAsync()
    {
        lock (_order)
        {
            return _tail;
        }
    }

    private JobEvent Event(string type, BlockDefinition block) =>
        new(Job.Id, 0, type, StoredTime.Now(time)) { BlockId = block.Id, BlockType = block.Type };

    private JobPost NewPost(string? blockId, string role, string content) =>
        new(Guid.NewGuid().ToString("N"), blockId, role, content, StoredTime.Now(time));

    private ValueTask AppendAsync(JobEvent ev) => Queue(new Change([ev]));

    /// <summary>Queues a commit without waiting for it; a failure surfaces at the next drain or terminal commit.</summary>
    private ValueTask Queue(Change change)
    {
        _ = Submit(change).ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Numbers the change's events, queues its commit (synchronously, so commits reach the store in order) and
    /// returns a task that completes once it is durable and its events were published.
    /// </summary>
    private Task Submit(Change change)
    {
        lock (_order)
        {
            var sequence = Job.LastSequence;
            var events = new JobEvent[change.Events.Count];
            for (var i = 0; i < events.Length; i++)
            {
                events[i] = change.Events[i] with { Sequence = ++sequence };
            }

            var next = Job with
            {
                LastSequence = sequence,
                State = change.State ?? Job.State,
                StartedAt = change.StartedAt ?? Job.StartedAt,
                FinishedAt = change.FinishedAt ?? Job.FinishedAt,
                Result = change.Result ?? Job.Result,
                Error = change.Error ?? Job.Error,
            };

            IReadOnlyList<OutboxMessage> outbox = change.Callback is { } callbackBody
                ?
                [
                    new OutboxMessage
                    {
                        DeliveryId = $"msg_{Job.Id:N}",
                        JobId = Job.Id,
                        OrganizationId = Job.OrganizationId,
                        Kind = "callback",
                        Url = Job.CallbackUrl!,
                        Payload = callbackBody(next),
                        NextAttemptAt = next.FinishedAt ?? StoredTime.Now(time),
                        CreatedAt = StoredTime.Now(time),
                    },
                ]
                : [];

            // Store writes are not cancelled with the job: a half-reported step is worse than a late one.
            var commit = store.CommitAsync(
                new JobCommit
                {
                    JobId = Job.Id,
                    ExpectedSequence = Job.LastSequence,
                    Events = events,
                    Outputs = change.Outputs,
                    Posts = change.Posts,
                    State = change.State,
                    StartedAt = change.StartedAt,
                    FinishedAt = change.FinishedAt,
                    Result = change.Result,
                    Error = change.Error,
                    Outbox = outbox,
                    LeaseOwner = leaseOwner,
                },
                CancellationToken.None);
            Job = next;
            _tail = PublishInOrderAsync(_tail, commit, events);
            return _tail;
        }
    }

    private async Task PublishInOrderAsync(Task previous, Task commit, JobEvent[] events)
    {
        try
        {
            await previous;
        }
        catch (Exception)
        {
            // Reported by the earlier commit's own task; this one reports its own outcome below (after a failed
            // commit the store refuses the next ones, whose expected sequence no longer matches).
        }

        await commit;
        foreach (var ev in events)
        {
            hub.Publish(ev);
        }
    }

    private sealed record Change(IReadOnlyList<JobEvent> Events)
    {
        public IReadOnlyList<BlockOutput> Outputs { get; init; } = [];
        public IReadOnlyList<JobPost> Posts { get; init; } = [];
        public JobState? State { get; init; }
        public DateTimeOffset? StartedAt { get; init; }
        public DateTimeOffset? FinishedAt { get; init; }
        public JsonNode? Result { get; init; }
        public string? Error { get; init; }
        public Func<JobRecord, string>? Callback { get; init; }
    }
}
