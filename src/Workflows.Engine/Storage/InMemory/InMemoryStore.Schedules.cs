using Workflows.Engine.Schedules;
using Workflows.Engine.Storage.InMemory.Internal;

namespace Workflows.Engine.Storage.InMemory;

public sealed partial class InMemoryStore
{
    /// <inheritdoc />
    public Task PutScheduleAsync(ScheduleRecord schedule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var stored = schedule with
        {
            Variables = schedule.Variables.DeepClone().AsObject(),
            CreatedAt = StoredTime.Of(schedule.CreatedAt),
            UpdatedAt = StoredTime.Of(schedule.UpdatedAt),
            TicksFrom = StoredTime.Of(schedule.TicksFrom),
            LastTickAt = null,
        };
        return Locked(stored, static (store, s) => store._schedules[(s.OrganizationId, s.Id)] = s, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ScheduleRecord?> GetScheduleAsync(string organizationId, string scheduleId, CancellationToken cancellationToken) =>
        Locked((organizationId, scheduleId), static (store, key) =>
            store._schedules.TryGetValue(key, out var schedule) ? store.ReadSchedule(schedule) : null, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(string? organizationId, CancellationToken cancellationToken) =>
        Locked<string?, IReadOnlyList<ScheduleRecord>>(
            organizationId,
            static (store, org) => store._schedules.Values
                .Where(s => org is null || s.OrganizationId == org)
                .OrderBy(s => s.OrganizationId, StringComparer.Ordinal)
                .ThenBy(s => s.Id, StringComparer.Ordinal)
                .Select(store.ReadSchedule)
                .ToList(),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteScheduleAsync(string organizationId, string scheduleId, CancellationToken cancellationToken) =>
        Locked((organizationId, scheduleId), static (store, key) =>
        {
            store._scheduleRuns.Remove(key);
            return store._schedules.Remove(key);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryAddRunAsync(ScheduleRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var stored = Normalize(run);
        return Locked(stored, static (store, r) =>
        {
            var key = (r.OrganizationId, r.ScheduleId);
            if (!store._scheduleRuns.TryGetValue(key, out var runs))
            {
                store._scheduleRuns[key] = runs = [];
            }

            return runs.TryAdd(r.ScheduledTime, r);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> UpdateRunAsync(ScheduleRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var stored = Normalize(run);
        return Locked(stored, static (store, r) =>
        {
            if (!store._scheduleRuns.TryGetValue((r.OrganizationId, r.ScheduleId), out var runs) || !runs.TryGetValue(r.ScheduledTime, out var old))
            {
                return false;
            }

            // The tick and when it was first recorded never change.
            runs[r.ScheduledTime] = r with { RecordedAt = old.RecordedAt };
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ScheduleRun>> ListRunsAsync(string organizationId, string scheduleId, int limit, CancellationToken cancellationToken) =>
        Locked<(string, string, int), IReadOnlyList<ScheduleRun>>(
            (organizationId, scheduleId, limit),
            static (store, q) => store._scheduleRuns.TryGetValue((q.Item1, q.Item2), out var runs)
                ? runs.Values.Reverse().Take(q.Item3).ToList()
                : [],
            cancellationToken);

    /// <inheritdoc />
    public Task<int> PruneRunsAsync(string organizationId, string scheduleId, int keep, CancellationToken cancellationToken) =>
        Locked((organizationId, scheduleId, keep), static (store, q) =>
        {
            if (!store._scheduleRuns.TryGetValue((q.organizationId, q.scheduleId), out var runs) || runs.Count <= q.keep)
            {
                return 0;
            }

            var cutoff = runs.Keys[runs.Count - Math.Max(q.keep, 1)];
            var old = runs.Values.Where(r => r.ScheduledTime < cutoff && r.Outcome is not (ScheduleRunOutcomes.Starting or ScheduleRunOutcomes.Buffered)).ToList();
            foreach (var run in old)
            {
                runs.Remove(run.ScheduledTime);
            }

            return old.Count;
        }, cancellationToken);

    private ScheduleRecord ReadSchedule(ScheduleRecord schedule) => schedule with
    {
        Variables = schedule.Variables.DeepClone().AsObject(),
        LastTickAt = _scheduleRuns.TryGetValue((schedule.OrganizationId, schedule.Id), out var runs) && runs.Count > 0 ? runs.Keys[^1] : null,
    };

    private static ScheduleRun Normalize(ScheduleRun run) => run with
    {
        ScheduledTime = StoredTime.Of(run.ScheduledTime),
        RecordedAt = StoredTime.Of(run.RecordedAt),
    };
}
