using Workflows.Storage.Postgres.Internal;

namespace Workflows.Storage.Postgres;

public sealed partial class PostgresStore
{
    /// <summary>Most jobs one prune batch deletes, so one transaction never holds the writer for long.</summary>
    public const int MaxPruneBatch = 1000;

    /// <inheritdoc />
    public async Task<IReadOnlyList<Guid>> PruneAsync(DateTimeOffset finishedBefore, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        // Through the writer like every write: the batch shares a group commit with the jobs running meanwhile.
        return await WriteAsync((finishedBefore, Math.Min(batchSize, MaxPruneBatch)), JobWrites.PruneAsync, cancellationToken);
    }
}
