namespace Workflows.Engine.Schedules;

/// <summary>What a tick does while the schedule's previous job is still unfinished.</summary>
public enum ScheduleOverlap
{
    /// <summary>Start nothing; the tick is recorded as skipped (the default).</summary>
    Skip,

    /// <summary>Keep one tick waiting and start it when the running job ends; further ticks meanwhile are skipped.</summary>
    BufferOne,

    /// <summary>Start the job anyway: any number may run at once.</summary>
    AllowAll,

    /// <summary>Cancel the running job, then start the new one.</summary>
    CancelOther,
}
