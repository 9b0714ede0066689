using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workflows.Engine.Apps;
using Workflows.Engine.Definitions;
using Workflows.Engine.Jobs;
using Workflows.Engine.Jobs.Internal;

namespace Workflows.Engine.Schedules;

/// <summary>
/// What the API calls for schedules: create, read, change, delete and trigger, with every field checked (a bad one is
/// an invalid argument naming it). The ticks themselves are the <see cref="Scheduler"/>'s.
/// </summary>
public sealed partial class ScheduleService(
    IScheduleStore store,
    IAppCatalog catalog,
    JobService jobs,
    ScheduleSignal signal,
    TimeProvider time)
{
    /// <summary>How many upcoming ticks a schedule is read back with.</summary>
    public const int NextRunCount = 5;

    /// <summary>How many recorded ticks a schedule is read back with.</summary>
    public const int RecentRunCount = 20;

    /// <summary>The longest catch-up window accepted.</summary>
    public static readonly TimeSpan MaxCatchupWindow = TimeSpan.FromDays(1);

    /// <summary>The catch-up window of a schedule that names none.</summary>
    public static readonly TimeSpan DefaultCatchupWindow = TimeSpan.FromSeconds(60);

    /// <summary>Creates a schedule; an id already used in the organisation is refused (already exists).</summary>
    public async Task<ScheduleDetails> CreateAsync(string organizationId, ScheduleSpec spec, string createdBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var id = string.IsNullOrWhiteSpace(spec.Id) ? "sch_" + Guid.NewGuid().ToString("N")[..16] : spec.Id.Trim();
        CheckId(id);
        var now = StoredTime.Now(time);
        var schedule = Validate(new ScheduleRecord
        {
            Id = id,
            OrganizationId = organizationId,
            AppId = spec.AppId ?? "",
            Workflow = string.IsNullOrWhiteSpace(spec.Workflow) ? AppDefinition.DefaultWorkflow : spec.Workflow.Trim(),
            Variables = spec.Variables ?? [],
            Cron = (spec.Cron ?? "").Trim(),
            TimeZone = string.IsNullOrWhiteSpace(spec.TimeZone) ? "UTC" : spec.TimeZone.Trim(),
            Overlap = ScheduleOverlapNames.Parse(spec.Overlap),
            CatchupWindow = spec.CatchupWindow ?? DefaultCatchupWindow,
            Paused = spec.Paused,
            CreatedBy = createdBy,
            CreatedAt = now,
            UpdatedAt = now,
            TicksFrom = now,
        });
        if (await store.GetScheduleAsync(organizationId, id, cancellationToken) is not null)
        {
            throw new EngineException(EngineErrorKind.AlreadyExists, $"schedule '{id}' already exists");
        }

        await store.PutScheduleAsync(schedule, cancellationToken);
        signal.Wake();
        return await DetailsAsync(schedule, cancellationToken);
    }

    /// <summary>A schedule of the organisation with its next and recent ticks; 404 when unknown.</summary>
    public async Task<ScheduleDetails> GetAsync(string organizationId, string scheduleId, CancellationToken cancellationToken) =>
        await DetailsAsync(await FindAsync(organizationId, scheduleId, cancellationToken), cancellationToken);

    /// <summary>The stored schedule without its ticks; 404 when unknown.</summary>
    public async Task<ScheduleRecord> FindAsync(string organizationId, string scheduleId, CancellationToken cancellationToken) =>
        await store.GetScheduleAsync(organizationId, scheduleId ?? "", cancellationToken)
        ?? throw new EngineException(EngineErrorKind.NotFound, $"schedule '{scheduleId}' not found");

    /// <summary>The organisation's schedules by id, each with its next and recent ticks.</summary>
    public async Task<IReadOnlyList<ScheduleDetails>> ListAsync(string organizationId, CancellationToken cancellationToken)
    {
        var list = new List<ScheduleDetails>();
        foreach (var schedule in await store.ListSchedulesAsync(organizationId, cancellationToken))
        {
            list.Add(await DetailsAsync(schedule, cancellationToken));
        }

        return list;
    }

    /// <summary>
    /// Changes a schedule. A new cron or time zone, or resuming a paused schedule, starts counting ticks from now: no tick
    /// from before is caught up.
    /// </summary>
    public async Task<ScheduleDetails> UpdateAsync(string organizationId, string scheduleId, ScheduleUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        var old = await FindAsync(organizationId, scheduleId, cancellationToken);
        var now = StoredTime.Now(time);
        var changed = Validate(old with
        {
            Workflow = update.Workflow is null ? old.Workflow : string.IsNullOrWhiteSpace(update.Workflow) ? AppDefinition.DefaultWorkflow : update.Workflow.Trim(),
            Variables = update.Variables ?? old.Variables,
            Cron = update.Cron?.Trim() ?? old.Cron,
            TimeZone = update.TimeZone is null ? old.TimeZone : string.IsNullOrWhiteSpace(update.TimeZone) ? "UTC" : update.TimeZone.Trim(),
            Overlap = update.Overlap is null ? old.Overlap : ScheduleOverlapNames.Parse(update.Overlap),
            CatchupWindow = update.CatchupWindow ?? old.CatchupWindow,
            Paused = update.Paused ?? old.Paused,
            UpdatedAt = now,
        });
        await store.PutScheduleAsync(WithTicksFrom(old, changed, now), cancellationToken);
        signal.Wake();
        return await GetAsync(organizationId, scheduleId, cancellationToken);
    }

    /// <summary>Deletes a schedule and its recorded ticks (the jobs it started stay); 404 when unknown.</summary>
    public async Task DeleteAsync(string organizationId, string scheduleId, CancellationToken cancellationToken)
    {
        if (!await store.DeleteScheduleAsync(organizationId, scheduleId ?? "", cancellationToken))
        {
            throw new EngineException(EngineErrorKind.NotFound, $"schedule '{scheduleId}' not found");
        }

        signal.Wake();
    }

    /// <summary>
    /// Starts one job of the schedule now, paused or not and whatever runs: not a tick (nothing is recorded, no overlap
    /// policy applies); the job carries the schedule id and the trigger's time, and <paramref name="creator"/> (the
    /// trigger's token subject) as its creator.
    /// </summary>
    public async Task<JobRecord> TriggerAsync(
        string organizationId, string scheduleId, string createdBy, CancellationToken cancellationToken, string? creator = null)
    {
        var schedule = await FindAsync(organizationId, scheduleId, cancellationToken);
        return await jobs.StartAsync(JobRequest(schedule, StoredTime.Now(time), null, createdBy) with { Creator = creator }, cancellationToken);
    }

    /// <summary>The request that starts the schedule's job for <paramref name="scheduledTime"/>.</summary>
    internal static StartJobRequest JobRequest(ScheduleRecord schedule, DateTimeOffset scheduledTime, string? idempotencyKey, string createdBy) => new()
    {
        OrganizationId = schedule.OrganizationId,
        AppId = schedule.AppId,
        Workflow = schedule.Workflow,
        Variables = schedule.Variables.DeepClone().AsObject(),
        IdempotencyKey = idempotencyKey,
        CreatedBy = createdBy,
        ScheduleId = schedule.Id,
        ScheduledTime = scheduledTime,
    };

    /// <summary>The schedule with its next ticks and recent runs.</summary>
    internal async Task<ScheduleDetails> DetailsAsync(ScheduleRecord schedule, CancellationToken cancellationToken)
    {
        IReadOnlyList<DateTimeOffset> next = [];
        if (!schedule.Paused)
        {
            next = CronSchedule.Parse(schedule.Cron, schedule.TimeZone).Next(time.GetUtcNow(), NextRunCount);
        }

        var runs = await store.ListRunsAsync(schedule.OrganizationId, schedule.Id, RecentRunCount, cancellationToken);
        return new ScheduleDetails(schedule, next, runs);
    }

    /// <summary>
    /// Checks every field of <paramref name="schedule"/> (cron, time zone, app, workflow, variables, catch-up window) and
    /// returns it with the workflow's canonical name; throws an invalid argument naming the first bad field.
    /// </summary>
    internal ScheduleRecord Validate(ScheduleRecord schedule)
    {
        CronSchedule.Parse(schedule.Cron, schedule.TimeZone);
        if (schedule.CatchupWindow < TimeSpan.Zero)
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, "catchup_window must not be negative");
        }

        if (schedule.CatchupWindow > MaxCatchupWindow)
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, $"catchup_window must be at most {MaxCatchupWindow.TotalHours:0} h");
        }

        if (string.IsNullOrWhiteSpace(schedule.AppId))
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, "app_id is required");
        }

        var app = catalog.GetApp(schedule.OrganizationId, schedule.AppId)
            ?? throw new EngineException(EngineErrorKind.InvalidArgument, $"app_id '{schedule.AppId}' names no app of this organisation");
        if (!app.Workflows.TryGetValue(schedule.Workflow, out var workflow))
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, $"workflow '{schedule.Workflow}' not found in app '{app.Id}'");
        }

        try
        {
            LaunchVariableBinder.Bind(workflow, schedule.Variables.DeepClone().AsObject());
        }
        catch (LaunchVariableException ex)
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, $"variables: {ex.Message}");
        }

        return schedule;
    }

    /// <summary>The changed record, counting ticks from now when its ticks changed or it was resumed.</summary>
    internal static ScheduleRecord WithTicksFrom(ScheduleRecord old, ScheduleRecord changed, DateTimeOffset now) =>
        old.Cron != changed.Cron || old.TimeZone != changed.TimeZone || (old.Paused && !changed.Paused)
            ? changed with { TicksFrom = now }
            : changed;

    /// <summary>Refuses ids that cannot travel in a URL path segment or an idempotency key.</summary>
    internal static void CheckId(string id)
    {
        if (!ScheduleId().IsMatch(id))
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, $"schedule id '{id}' is invalid (1 to 100 letters, digits, '_', '-' or '.')");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,100}$")]
    private static partial Regex ScheduleId();
}
