using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Jobs;

public sealed partial class JobService
{
    /// <summary>
    /// Sends a signal to a job: checked against the workflow's <c>wait_for_signal</c> blocks of that name, stored before
    /// the answer (kept for a wait not reached yet), and waking the job when it waits for it. Errors: unknown job or
    /// another organisation's (not found), finished job (failed precondition; but a repeated idempotency key answers the
    /// earlier signal, as it does while the job runs), a name the workflow never waits for or a
    /// payload that does not fit (invalid argument, naming the names or the field).
    /// </summary>
    public async Task<SignalAdded> SignalAsync(
        string organizationId, Guid jobId, string signal, JsonObject? payload, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var job = await GetAsync(organizationId, jobId, cancellationToken);
        idempotencyKey = string.IsNullOrEmpty(idempotencyKey) ? null : idempotencyKey;
        if (job.State.IsTerminal())
        {
            // A retry of a signal the job already had (same key) answers that signal, not the finished-job error.
            return idempotencyKey is null || string.IsNullOrWhiteSpace(signal)
                ? throw FinishedJob(job)
                : await AddSignalAsync(job, signal, payload ?? [], idempotencyKey, cancellationToken);
        }

        if (string.IsNullOrWhiteSpace(signal))
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, "signal: a name is required");
        }

        var workflow = await versions.ForJobAsync(job, catalog.GetApp(job.OrganizationId, job.AppId), cancellationToken)
            ?? throw new EngineException(EngineErrorKind.FailedPrecondition, $"workflow '{job.Workflow}' of app '{job.AppId}' no longer exists");
        var receivers = new List<(BlockDefinition Block, ISignalReceiver Receiver)>();
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var block in workflow.Blocks)
        {
            if (blocks.TryGet(block.Type, out var implementation) && implementation is ISignalReceiver receiver)
            {
                var name = receiver.SignalName(block);
                names.Add(name);
                if (name == signal)
                {
                    receivers.Add((block, receiver));
                }
            }
        }

        if (receivers.Count == 0)
        {
            throw new EngineException(
                EngineErrorKind.InvalidArgument,
                names.Count == 0
                    ? $"signal '{signal}': workflow '{job.Workflow}' waits for no signals"
                    : $"signal '{signal}': workflow '{job.Workflow}' waits only for {string.Join(", ", names.Select(n => $"'{n}'"))}");
        }

        var bound = payload ?? [];
        try
        {
            bound = receivers[0].Receiver.BindPayload(receivers[0].Block, bound);
        }
        catch (LaunchVariableException ex)
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, $"signal '{signal}': {ex.Message}");
        }

        var added = await AddSignalAsync(job, signal, bound, idempotencyKey, cancellationToken);
        if (added.Job is { State: JobState.Waiting, WakeAt: { } due })
        {
            // Due now: the wake loop here takes it at once (other nodes' on the store's notification, or their next poll).
            wakes.DueAt(due);
        }

        return added;
    }

    // Stores the signal; a finished job's answer is the earlier signal of the same key, or the finished-job error.
    private async Task<SignalAdded> AddSignalAsync(JobRecord job, string signal, JsonObject payload, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var added = await store.AddSignalAsync(
            new JobSignal { JobId = job.Id, Name = signal, Payload = payload, IdempotencyKey = idempotencyKey, CreatedAt = time.GetUtcNow() },
            cancellationToken);
        if (added.Job is null)
        {
            throw EngineException.JobNotFound(job.Id);
        }

        return added.Signal is null ? throw FinishedJob(added.Job) : added;
    }

    private static EngineException FinishedJob(JobRecord job) =>
        new(EngineErrorKind.FailedPrecondition, $"job {job.Id} has finished ({job.State.ToString().ToLowerInvariant()}); it takes no more signals");
}
