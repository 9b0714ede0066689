using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Schedules;

/// <summary>
/// Starts the jobs of due schedule ticks, on every node at once: a tick is handled by the node that records it first
/// (<see cref="IScheduleStore.TryAddRunAsync"/>, unique per schedule and time), and its job is started with an
/// idempotency key made of the schedule and the tick, so a retry after a crash finds the same job. Sleeps until the
/// nearest tick, at most <see cref="ScheduleOptions.RefreshInterval"/>, and wakes early on <see cref="ScheduleSignal"/>.
/// </summary>
public sealed partial class Scheduler(
    IScheduleStore store,
    IJobStore jobStore,
    JobService jobs,
    ScheduleDeclarations declarations,
    ScheduleSignal signal,
    IOptions<ScheduleOptions> options,
    TimeProvider time,
    ILogger<Scheduler> logger) : BackgroundService
{
    /// <summary>A tick is started when reached this late at least, whatever its catch-up window, so a busy node never drops a current tick.</summary>
    public static readonly TimeSpan MinimumLateness = TimeSpan.FromSeconds(5);

    /// <summary>How often a buffered tick looks whether the job before it has ended.</summary>
    public static readonly TimeSpan BufferPoll = TimeSpan.FromSeconds(1);

    /// <summary>A tick claimed this long ago whose job is still not recorded is started again (its node died meanwhile).</summary>
    public static readonly TimeSpan StartGrace = TimeSpan.FromSeconds(30);

    private const int MaxTicksPerPass = 1000;
    private const int RunsLookedAt = 20;

    /// <summary>How many recorded ticks each schedule keeps (older ones are pruned as new ones come).</summary>
    public const int RunsKept = 100;

    /// <summary>
    /// One pass over every schedule as of now: applies <c>app.yaml</c> declarations, starts (or skips, buffers) every due
    /// tick not recorded yet, and returns when the next pass is due.
    /// </summary>
    public async Task<DateTimeOffset> PassAsync(CancellationToken cancellationToken)
    {
        await declarations.ApplyAsync(cancellationToken);
        var now = time.GetUtcNow();
        var next = now + options.Value.RefreshInterval;
        foreach (var schedule in await store.ListSchedulesAsync(null, cancellationToken))
        {
            if (schedule.Paused)
            {
                continue;
            }

            try
            {
                var due = await ProcessAsync(schedule, now, cancellationToken);
                if (due < next)
                {
                    next = due;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogScheduleFailed(logger, schedule.Id, schedule.OrganizationId, ex);
            }
        }

        return next;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            DateTimeOffset next;
            try
            {
                next = await PassAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The store is unreachable for now: try again after a refresh interval.
                LogPassFailed(logger, ex);
                next = time.GetUtcNow() + options.Value.RefreshInterval;
            }

            try
            {
                await signal.WaitAsync(next - time.GetUtcNow(), time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    // Handles one schedule's due ticks; returns when it next needs a pass.
    private async Task<DateTimeOffset> ProcessAsync(ScheduleRecord schedule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cron = CronSchedule.Parse(schedule.Cron, schedule.TimeZone);
        var wake = cron.Next(now) ?? DateTimeOffset.MaxValue;
        if (await ResumeLeftOversAsync(schedule, now, cancellationToken))
        {
            wake = Min(wake, now + BufferPoll);
        }

        var window = schedule.CatchupWindow > MinimumLateness ? schedule.CatchupWindow : MinimumLateness;
        var after = Max(Max(schedule.TicksFrom, schedule.LastTickAt ?? DateTimeOffset.MinValue), now - window);
        var handled = false;
        foreach (var tick in cron.Between(after, now).TakeLast(MaxTicksPerPass))
        {
            handled = true;
            if (await HandleTickAsync(schedule, tick, now, cancellationToken))
            {
                wake = Min(wake, now + BufferPoll);
            }
        }

        if (handled)
        {
            await store.PruneRunsAsync(schedule.OrganizationId, schedule.Id, RunsKept, cancellationToken);
        }

        return wake;
    }

    // Starts a buffered tick once the job before it has ended, and ticks whose node died between claiming and starting
    // them; true while a buffered tick still waits.
    private async Task<bool> ResumeLeftOversAsync(ScheduleRecord schedule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var runs = await store.ListRunsAsync(schedule.OrganizationId, schedule.Id, RunsLookedAt, cancellationToken);
        foreach (var run in runs.Where(r => r.Outcome == ScheduleRunOutcomes.Starting && r.RecordedAt <= now - StartGrace))
        {
            await StartAsync(schedule, run, cancellationToken);
        }

        var buffered = runs.FirstOrDefault(r => r.Outcome == ScheduleRunOutcomes.Buffered);
        if (buffered is null)
        {
            return false;
        }

        if (await RunningJobAsync(runs, cancellationToken) is not null)
        {
            return true;
        }

        await StartAsync(schedule, buffered, cancellationToken);
        return false;
    }

    // Records and acts on one tick; true when it was buffered.
    private async Task<bool> HandleTickAsync(ScheduleRecord schedule, DateTimeOffset tick, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var runs = await store.ListRunsAsync(schedule.OrganizationId, schedule.Id, RunsLookedAt, cancellationToken);
        if (runs.Any(r => r.ScheduledTime == tick))
        {
            return false;
        }

        var running = schedule.Overlap == ScheduleOverlap.AllowAll ? null : await RunningJobAsync(runs, cancellationToken);
        var run = new ScheduleRun
        {
            OrganizationId = schedule.OrganizationId,
            ScheduleId = schedule.Id,
            ScheduledTime = tick,
            Outcome = ScheduleRunOutcomes.Starting,
            RecordedAt = now,
        };
        if (running is not null && schedule.Overlap is ScheduleOverlap.Skip or ScheduleOverlap.BufferOne)
        {
            var buffer = schedule.Overlap == ScheduleOverlap.BufferOne && !runs.Any(r => r.Outcome == ScheduleRunOutcomes.Buffered);
            var recorded = await store.TryAddRunAsync(
                run with
                {
                    Outcome = buffer ? ScheduleRunOutcomes.Buffered : ScheduleRunOutcomes.Skipped,
                    Error = buffer ? null : $"job {running.Id} was still {running.State.ToString().ToLowerInvariant()}",
                },
                cancellationToken);
            if (recorded)
            {
                LogTickHeldBack(logger, schedule.Id, tick, buffer ? "buffered" : "skipped", running.Id);
            }

            return buffer && recorded;
        }

        if (!await store.TryAddRunAsync(run, cancellationToken))
        {
            return false;
        }

        if (running is not null && schedule.Overlap == ScheduleOverlap.CancelOther)
        {
            await jobs.CancelAsync(schedule.OrganizationId, running.Id,
                $"cancelled by schedule '{schedule.Id}': its tick at {tick:O} starts a new run", cancellationToken);
        }

        await StartAsync(schedule, run, cancellationToken);
        return false;
    }

    // Starts the tick's job (the same one again, through the idempotency key, if it was started before) and records it.
    private async Task StartAsync(ScheduleRecord schedule, ScheduleRun run, CancellationToken cancellationToken)
    {
        var key = IdempotencyKey(schedule.Id, run.ScheduledTime);
        ScheduleRun outcome;
        try
        {
            var job = await jobs.StartAsync(ScheduleService.JobRequest(schedule, run.ScheduledTime, key, "schedule:" + schedule.Id), cancellationToken);
            outcome = run with { Outcome = ScheduleRunOutcomes.Started, JobId = job.Id, Error = null };
            LogTickStarted(logger, schedule.Id, run.ScheduledTime, job.Id);
        }
        catch (EngineException ex)
        {
            outcome = run with { Outcome = ScheduleRunOutcomes.Failed, Error = ex.Message };
            LogTickFailed(logger, schedule.Id, run.ScheduledTime, ex.Message);
        }

        await store.UpdateRunAsync(outcome, cancellationToken);
    }

    /// <summary>The idempotency key of a tick's job: the schedule and the tick's time in unix milliseconds.</summary>
    public static string IdempotencyKey(string scheduleId, DateTimeOffset scheduledTime) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"schedule:{scheduleId}:{scheduledTime.ToUnixTimeMilliseconds()}");

    // The newest job the schedule's ticks started, when it has not finished.
    private async Task<JobRecord?> RunningJobAsync(IReadOnlyList<ScheduleRun> runs, CancellationToken cancellationToken)
    {
        foreach (var run in runs)
        {
            if (run.JobId is { } jobId)
            {
                var job = await jobStore.GetJobAsync(jobId, cancellationToken);
                return job is not null && !job.State.IsTerminal() ? job : null;
            }
        }

        return null;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {ScheduleId}: tick {ScheduledTime:O} started job {JobId}")]
    private static partial void LogTickStarted(ILogger logger, string scheduleId, DateTimeOffset scheduledTime, Guid jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {ScheduleId}: tick {ScheduledTime:O} {Outcome}, job {JobId} still runs")]
    private static partial void LogTickHeldBack(ILogger logger, string scheduleId, DateTimeOffset scheduledTime, string outcome, Guid jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {ScheduleId}: tick {ScheduledTime:O} started nothing: {Reason}")]
    private static partial void LogTickFailed(ILogger logger, string scheduleId, DateTimeOffset scheduledTime, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Schedule {ScheduleId} of organisation {OrganizationId} failed")]
    private static partial void LogScheduleFailed(ILogger logger, string scheduleId, string organizationId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduler pass failed")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
