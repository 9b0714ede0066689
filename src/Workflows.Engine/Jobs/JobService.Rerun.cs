using System.Text.Json.Nodes;

namespace Workflows.Engine.Jobs;

// Rerunning a job: a new job of the same app and workflow, started as any other (limits, budget, events), that names
// the job it reruns.
public sealed partial class JobService
{
    /// <summary>
    /// Starts a new job of <paramref name="original"/>'s app and workflow with its launch variables overlaid by
    /// <paramref name="variables"/> (top-level keys replaced) and its budget, with <see cref="JobRecord.RerunOf"/> set.
    /// Does not wait for it.
    /// </summary>
    public Task<JobRecord> RerunAsync(JobRecord original, JsonObject? variables, string createdBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(original);
        var merged = original.Variables.DeepClone().AsObject();
        foreach (var (name, value) in variables ?? [])
        {
            merged[name] = value?.DeepClone();
        }

        return StartAsync(
            new StartJobRequest
            {
                OrganizationId = original.OrganizationId,
                AppId = original.AppId,
                Workflow = original.Workflow,
                Variables = merged,
                CreatedBy = createdBy,
                Budget = original.Budget,
                RerunOf = original.Id,
            },
            cancellationToken);
    }
}
