using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Engine.Jobs;
using Workflows.Server.Api.Mapping;
using Workflows.Server.Auth;

namespace Workflows.Server.Api;

/// <summary>
/// Schedules, within the caller's organisation. A token that may run an app may schedule it (exec tokens limited to
/// some recipes see and manage only their schedules); another app's schedule is a 404, as a job is.
/// </summary>
internal sealed partial class WorkflowApi
{
    public override async Task<CreateScheduleResponse> CreateSchedule(CreateScheduleRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var spec = ScheduleMapper.ToSpec(request.Schedule);
        caller.EnsureCanRun(spec.AppId);
        var created = await schedules.CreateAsync(caller.OrganizationId, spec, caller.TokenId, context.CancellationToken);
        return new CreateScheduleResponse { Schedule = ScheduleMapper.ToProto(created) };
    }

    public override async Task<GetScheduleResponse> GetSchedule(GetScheduleRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        await VisibleScheduleAsync(caller, request.ScheduleId, context.CancellationToken);
        var details = await schedules.GetAsync(caller.OrganizationId, request.ScheduleId, context.CancellationToken);
        return new GetScheduleResponse { Schedule = ScheduleMapper.ToProto(details) };
    }

    public override async Task<ListSchedulesResponse> ListSchedules(ListSchedulesRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.EnsureCanRead();
        var response = new ListSchedulesResponse();
        foreach (var details in await schedules.ListAsync(caller.OrganizationId, context.CancellationToken))
        {
            var appId = details.Schedule.AppId;
            if (caller.CanUseApp(appId) && (request.AppId.Length == 0 || request.AppId == appId))
            {
                response.Schedules.Add(ScheduleMapper.ToProto(details));
            }
        }

        return response;
    }

    public override async Task<UpdateScheduleResponse> UpdateSchedule(UpdateScheduleRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        await VisibleScheduleAsync(caller, request.ScheduleId, context.CancellationToken);
        var updated = await schedules.UpdateAsync(caller.OrganizationId, request.ScheduleId, ScheduleMapper.ToUpdate(request), context.CancellationToken);
        return new UpdateScheduleResponse { Schedule = ScheduleMapper.ToProto(updated) };
    }

    public override async Task<DeleteScheduleResponse> DeleteSchedule(DeleteScheduleRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        await VisibleScheduleAsync(caller, request.ScheduleId, context.CancellationToken);
        await schedules.DeleteAsync(caller.OrganizationId, request.ScheduleId, context.CancellationToken);
        return new DeleteScheduleResponse();
    }

    public override async Task<TriggerScheduleResponse> TriggerSchedule(TriggerScheduleRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        await VisibleScheduleAsync(caller, request.ScheduleId, context.CancellationToken);
        var job = await schedules.TriggerAsync(caller.OrganizationId, request.ScheduleId, caller.TokenId, context.CancellationToken, caller.Subject);
        return new TriggerScheduleResponse { Job = JobMapper.ToProto(job) };
    }

    // The schedule when the caller may run its app; 404 otherwise, worded as for an unknown schedule.
    private async Task VisibleScheduleAsync(Caller caller, string scheduleId, CancellationToken cancellationToken)
    {
        caller.EnsureCanRead();
        var schedule = await schedules.FindAsync(caller.OrganizationId, scheduleId, cancellationToken);
        if (!caller.CanUseApp(schedule.AppId))
        {
            throw new EngineException(EngineErrorKind.NotFound, $"schedule '{scheduleId}' not found");
        }
    }
}
