namespace Workflows.Engine.Schedules;

/// <summary>
/// Durable schedules and their recorded ticks. A tick is recorded at most once per (organisation, schedule, scheduled
/// time): that unique key is what makes one tick start one job on any number of nodes. Implemented once per database and
/// checked by the shared store test suite.
/// </summary>
public interface IScheduleStore
{
    /// <summary>Creates or replaces a schedule (by organisation and id); its recorded ticks stay.</summary>
    Task PutScheduleAsync(ScheduleRecord schedule, CancellationToken cancellationToken);

    /// <summary>A schedule of the organisation, with <see cref="ScheduleRecord.LastTickAt"/>, or null.</summary>
    Task<ScheduleRecord?> GetScheduleAsync(string organizationId, string scheduleId, CancellationToken cancellationToken);

    /// <summary>The organisation's schedules by id, or every organisation's when <paramref name="organizationId"/> is null.</summary>
    Task<IReadOnlyList<ScheduleRecord>> ListSchedulesAsync(string? organizationId, CancellationToken cancellationToken);

    /// <summary>Deletes a schedule and its recorded ticks; false when there was none.</summary>
    Task<bool> DeleteScheduleAsync(string organizationId, string scheduleId, CancellationToken cancellationToken);

    /// <summary>Records a tick; false, changing nothing, when that tick of that schedule is recorded already.</summary>
    Task<bool> TryAddRunAsync(ScheduleRun run, CancellationToken cancellationToken);

    /// <summary>Sets a recorded tick's outcome, job and error; false when the tick is not recorded.</summary>
    Task<bool> UpdateRunAsync(ScheduleRun run, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a schedule's recorded ticks but the newest <paramref name="keep"/> (and any still <c>starting</c> or
    /// <c>buffered</c>), so a schedule ticking every second does not grow its table without end. Returns how many went.
    /// </summary>
    Task<int> PruneRunsAsync(string organizationId, string scheduleId, int keep, CancellationToken cancellationToken);

    /// <summary>A schedule's newest recorded ticks, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ScheduleRun>> ListRunsAsync(string organizationId, string scheduleId, int limit, CancellationToken cancellationToken);
}
