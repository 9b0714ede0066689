using Workflows.Engine.Jobs;
using Workflows.Engine.Storage.InMemory.Internal;

namespace Workflows.Engine.Storage.InMemory;

public sealed partial class InMemoryStore
{
    /// <summary>Most jobs one prune batch deletes, the same bound as the SQLite store's.</summary>
    public const int MaxPruneBatch = 1000;

    /// <inheritdoc />
    public Task<IReadOnlyList<Guid>> PruneAsync(DateTimeOffset finishedBefore, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return Locked<(DateTimeOffset, int), IReadOnlyList<Guid>>(
            (StoredTime.Of(finishedBefore), Math.Min(batchSize, MaxPruneBatch)),
            static (store, request) =>
            {
                var (before, limit) = request;
                // Terminal states only: a job that somehow has a finish time but is still queued or running stays.
                var pruned = store._jobs.Values
                    .Where(entry => entry.Record.State.IsTerminal() && entry.Record.FinishedAt is { } finished && finished < before)
                    .OrderBy(entry => entry.Record.FinishedAt)
                    .ThenBy(entry => entry.IdText, StringComparer.Ordinal)
                    .Take(limit)
                    .ToList();
                foreach (var entry in pruned)
                {
                    var job = entry.Record;
                    store._jobs.Remove(job.Id);
                    if (job.IdempotencyKey is { } key)
                    {
                        store._idempotencyKeys.Remove((job.OrganizationId, key));
                    }
                }
                if (pruned.Count > 0)
                {
                    var ids = pruned.Select(entry => entry.Record.Id).ToHashSet();
                    foreach (var message in store._outbox.Values.Where(message => ids.Contains(message.JobId)).ToList())
                    {
                        store._outbox.Remove(message.Id);
                    }
                }
                return pruned.ConvertAll(entry => entry.Record.Id);
            },
            cancellationToken);
    }
}
