using System.Text.Json.Nodes;

namespace Workflows.Engine.Jobs;

// Rerunning a job: a new job of the same app and workflow, started as any other (limits, budget, events), that names
// the job it reruns.
public sealed partial class JobService
{
    /// <summary>
    /// Starts a new job of <paramref name="original"/>'s app and workflow with its launch variables overlaid by
    /// <paramref name="variables"/> (top-level keys replaced) and its budget, with <see cref="JobRecord.RerunOf"/> set.
    /// With <paramref name="fromBlock"/>, the blocks that completed in the original before that block started keep
    /// their stored outputs (recorded as completed in the new job without running); it and every other block run again.
    /// Does not wait for it. The new job's creator is <paramref name="creator"/>, the rerunner (not the original's).
    /// </summary>
    public async Task<JobRecord> RerunAsync(
        JobRecord original, JsonObject? variables, string createdBy, CancellationToken cancellationToken, string? fromBlock = null,
        string? creator = null)
    {
        ArgumentNullException.ThrowIfNull(original);
        // The definition the original ran, not the app's current one: a rerun repeats what was run.
        var workflow = await versions.ForJobAsync(original, catalog.GetApp(original.OrganizationId, original.AppId), cancellationToken)
            ?? throw new EngineException(EngineErrorKind.NotFound, $"workflow '{original.Workflow}' of app '{original.AppId}' no longer exists");
        var reused = string.IsNullOrEmpty(fromBlock) ? null : await ReusableOutputsAsync(original, workflow, fromBlock, cancellationToken);
        var merged = original.Variables.DeepClone().AsObject();
        foreach (var (name, value) in variables ?? [])
        {
            merged[name] = value?.DeepClone();
        }

        return await StartAsync(
            new StartJobRequest
            {
                OrganizationId = original.OrganizationId,
                AppId = original.AppId,
                Workflow = original.Workflow,
                Variables = merged,
                CreatedBy = createdBy,
                Creator = creator,
                Budget = original.Budget,
                RerunOf = original.Id,
                ReusedOutputs = reused,
                Definition = workflow,
            },
            cancellationToken);
    }

    // The outputs of the blocks that completed before fromBlock first started (all completed ones when it never did).
    private async Task<IReadOnlyDictionary<string, JsonNode?>> ReusableOutputsAsync(
        JobRecord original, Definitions.WorkflowDefinition workflow, string fromBlock, CancellationToken cancellationToken)
    {
        if (!workflow.Blocks.Any(b => b.Id == fromBlock))
        {
            throw new EngineException(
                EngineErrorKind.InvalidArgument,
                $"fromBlock: workflow '{workflow.Name}' has no block '{fromBlock}' (blocks: {string.Join(", ", workflow.Blocks.Select(b => b.Id))})");
        }

        var completed = new List<string>();
        long after = 0;
        var stop = false;
        while (!stop)
        {
            var batch = await store.GetEventsAsync(original.Id, after, 1000, cancellationToken);
            foreach (var ev in batch)
            {
                if (ev.BlockId == fromBlock && ev.Type == JobEventTypes.BlockStarted)
                {
                    stop = true;
                    break;
                }

                if (ev.Type == JobEventTypes.BlockCompleted && ev.BlockId is { } id && id != fromBlock)
                {
                    completed.Add(id);
                }

                after = ev.Sequence;
            }

            stop |= batch.Count < 1000;
        }

        var outputs = await store.GetOutputsAsync(original.Id, cancellationToken);
        var reused = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var id in completed)
        {
            if (outputs.TryGetValue(id, out var output) && workflow.Blocks.Any(b => b.Id == id))
            {
                reused[id] = output?.DeepClone();
            }
        }

        return reused;
    }
}
