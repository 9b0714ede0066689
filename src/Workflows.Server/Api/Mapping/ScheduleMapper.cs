using Google.Protobuf.WellKnownTypes;
using Workflows.Engine.Schedules;
using Proto = Workflows.Contracts.V1;

namespace Workflows.Server.Api.Mapping;

/// <summary>Engine schedules to their protobuf messages and back.</summary>
internal static class ScheduleMapper
{
    public static Proto.Schedule ToProto(ScheduleDetails details)
    {
        var s = details.Schedule;
        var message = new Proto.Schedule
        {
            Id = s.Id,
            AppId = s.AppId,
            Workflow = s.Workflow,
            Variables = ProtoJson.ToStruct(s.Variables),
            Cron = s.Cron,
            TimeZone = s.TimeZone,
            Overlap = ScheduleOverlapNames.Format(s.Overlap),
            CatchupWindow = Duration.FromTimeSpan(s.CatchupWindow),
            Paused = s.Paused,
            Source = s.Source,
            CreateTime = Timestamp.FromDateTimeOffset(s.CreatedAt),
            UpdateTime = Timestamp.FromDateTimeOffset(s.UpdatedAt),
        };
        message.NextRunTimes.AddRange(details.NextRunTimes.Select(Timestamp.FromDateTimeOffset));
        message.RecentRuns.AddRange(details.RecentRuns.Select(run => new Proto.ScheduleRun
        {
            ScheduledTime = Timestamp.FromDateTimeOffset(run.ScheduledTime),
            JobId = run.JobId?.ToString() ?? "",
            Outcome = run.Outcome,
            Error = run.Error ?? "",
        }));
        return message;
    }

    public static ScheduleSpec ToSpec(Proto.Schedule? schedule) => schedule is null
        ? new ScheduleSpec { AppId = "", Cron = "" }
        : new ScheduleSpec
        {
            Id = schedule.Id,
            AppId = schedule.AppId,
            Workflow = schedule.Workflow,
            Variables = ProtoJson.ToObject(schedule.Variables),
            Cron = schedule.Cron,
            TimeZone = schedule.TimeZone,
            Overlap = schedule.Overlap,
            CatchupWindow = schedule.CatchupWindow?.ToTimeSpan(),
            Paused = schedule.Paused,
        };

    public static ScheduleUpdate ToUpdate(Proto.UpdateScheduleRequest request) => new()
    {
        Workflow = request.HasWorkflow ? request.Workflow : null,
        Variables = request.Variables is null ? null : ProtoJson.ToObject(request.Variables),
        Cron = request.HasCron ? request.Cron : null,
        TimeZone = request.HasTimeZone ? request.TimeZone : null,
        Overlap = request.HasOverlap ? request.Overlap : null,
        CatchupWindow = request.CatchupWindow?.ToTimeSpan(),
        Paused = request.HasPaused ? request.Paused : null,
    };
}
