namespace Workflows.Engine.Jobs.Internal;

/// <summary>
/// How many jobs of each organisation run in this process. A start takes a slot before its job is stored (so two
/// racing starts cannot both pass the limit) and the runner gives it back when the job stops running here.
/// </summary>
internal sealed class RunningJobCounts
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Takes a slot, or returns null when the organisation already has <paramref name="limit"/> (0: no limit).</summary>
    public Slot? TryAcquire(string organizationId, int limit)
    {
        lock (_lock)
        {
            var count = _counts.GetValueOrDefault(organizationId);
            if (limit > 0 && count >= limit)
            {
                return null;
            }

            _counts[organizationId] = count + 1;
        }

        return new Slot(this, organizationId);
    }

    /// <summary>Takes a slot regardless of any limit (resumed jobs, child jobs).</summary>
    public Slot Acquire(string organizationId) => TryAcquire(organizationId, 0)!;

    private void Release(string organizationId)
    {
        lock (_lock)
        {
            var count = _counts.GetValueOrDefault(organizationId) - 1;
            if (count > 0)
            {
                _counts[organizationId] = count;
            }
            else
            {
                _counts.Remove(organizationId);
            }
        }
    }

    /// <summary>One running (or starting) job's place in its organisation's count; disposing gives it back once.</summary>
    public sealed class Slot(RunningJobCounts owner, string organizationId) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(organizationId);
            }
        }
    }
}
