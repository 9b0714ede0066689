using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Workflows.Engine.Apps;
using Workflows.Engine.Jobs;
using Workflows.Engine.Jobs.Internal;

namespace Workflows.Engine.Schedules;

/// <summary>
/// Keeps the stored schedules in line with the <c>schedules:</c> of the loaded apps: after each (re)load of the apps a
/// declared schedule is created, updated where its declaration changed, and deleted when no app declares it any more.
/// Schedules created through the API are never touched.
/// </summary>
public sealed partial class ScheduleDeclarations(IScheduleStore store, IAppCatalog catalog, TimeProvider time, ILogger<ScheduleDeclarations> logger)
    : IDisposable
{
    /// <summary>Where a schedule declared in an <c>app.yaml</c> comes from.</summary>
    public const string AppSource = "app";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _appliedVersion = -1;

    /// <summary>Applies the declarations of the apps as loaded now, unless this version of the apps was applied already.</summary>
    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        var version = catalog.Version;
        if (Interlocked.Read(ref _appliedVersion) == version)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_appliedVersion == version)
            {
                return;
            }

            await ApplyCoreAsync(cancellationToken);
            Interlocked.Exchange(ref _appliedVersion, version);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    private async Task ApplyCoreAsync(CancellationToken cancellationToken)
    {
        var now = StoredTime.Now(time);
        var declared = new HashSet<(string, string)>();
        foreach (var app in catalog.ListAllApps())
        {
            foreach (var declaration in app.Schedules)
            {
                declared.Add((app.OrganizationId, declaration.Id));
                var old = await store.GetScheduleAsync(app.OrganizationId, declaration.Id, cancellationToken);
                if (old is not null && old.Source != AppSource)
                {
                    LogIdTaken(logger, declaration.Id, app.Id, app.OrganizationId);
                    continue;
                }

                var wanted = new ScheduleRecord
                {
                    Id = declaration.Id,
                    OrganizationId = app.OrganizationId,
                    AppId = app.Id,
                    Workflow = declaration.Workflow,
                    Variables = declaration.Variables,
                    Cron = declaration.Cron,
                    TimeZone = declaration.TimeZone,
                    Overlap = declaration.Overlap,
                    CatchupWindow = declaration.CatchupWindow,
                    Paused = declaration.Paused,
                    Source = AppSource,
                    CreatedAt = old?.CreatedAt ?? now,
                    UpdatedAt = now,
                    TicksFrom = old?.TicksFrom ?? now,
                };
                if (old is not null && SameDeclaration(old, wanted))
                {
                    continue;
                }

                await store.PutScheduleAsync(old is null ? wanted : ScheduleService.WithTicksFrom(old, wanted, now), cancellationToken);
                LogApplied(logger, declaration.Id, app.Id, app.OrganizationId, old is null ? "created" : "updated");
            }
        }

        foreach (var stale in (await store.ListSchedulesAsync(null, cancellationToken))
                 .Where(s => s.Source == AppSource && !declared.Contains((s.OrganizationId, s.Id))))
        {
            await store.DeleteScheduleAsync(stale.OrganizationId, stale.Id, cancellationToken);
            LogApplied(logger, stale.Id, stale.AppId, stale.OrganizationId, "deleted");
        }
    }

    private static bool SameDeclaration(ScheduleRecord a, ScheduleRecord b) =>
        a.AppId == b.AppId && a.Workflow == b.Workflow && a.Cron == b.Cron && a.TimeZone == b.TimeZone && a.Overlap == b.Overlap
        && a.CatchupWindow == b.CatchupWindow && a.Paused == b.Paused && JsonNode.DeepEquals(a.Variables, b.Variables);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {ScheduleId} of app {AppId} (organisation {OrganizationId}) {Change} from app.yaml")]
    private static partial void LogApplied(ILogger logger, string scheduleId, string appId, string organizationId, string change);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {ScheduleId} declared by app {AppId} (organisation {OrganizationId}) is ignored: a schedule created through the API has that id")]
    private static partial void LogIdTaken(ILogger logger, string scheduleId, string appId, string organizationId);
}
