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
    /// another organisation's (not found), finished job (failed precondition), a name the workflow never waits for or a
    /// payload that does not fit (invalid argument, naming the names or the field).
    /// </summary>
    public async Task<SignalAdded> SignalAsync(
        string organizationId, Guid jobId, string signal, JsonObject? payload, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var job = await GetAsync(organizationId, jobId, cancellationToken);
        if (job.State.IsTerminal())
        {
            throw FinishedJob(job);
        }

        if (string.IsNullOrWhiteSpace(signal))
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, "signal: a name is required");
        }

        var workflow = catalog.GetApp(job.OrganizationId, job.AppId)?.Workflows.GetValueOrDefault(job.Workflow)
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

        var added = await store.AddSignalAsync(
            new JobSignal
            {
                JobId = job.Id,
                Name = signal,
                Payload = bound,
                IdempotencyKey = string.IsNullOrEmpty(idempotencyKey) ? null : idempotencyKey,
                CreatedAt = time.GetUtcNow(),
            },
            cancellationToken);
        if (added.Job is null)
        {
            throw EngineException.JobNotFound(jobId);
        }

        if (added.Signal is null)
        {
            throw FinishedJob(added.Job);
        }

        if (added.Job.State == JobState.Waiting && added.Job.WakeAt is { } due)
        {
            // Due now: the wake loop here takes it at once (another node's within its next poll).
            wakes.DueAt(due);
        }

        return added;
    }

    private static EngineException FinishedJob(JobRecord job) =>
        new(EngineErrorKind.FailedPrecondition, $"job {job.Id} has finished ({job.State.ToString().ToLowerInvariant()}); it takes no more signals");
}
