using Google.Protobuf.WellKnownTypes;
using Workflows.Engine.Jobs;
using Proto = Workflows.Contracts.V1;

namespace Workflows.Server.Api.Mapping;

/// <summary>Engine job records and events to their protobuf messages.</summary>
internal static class JobMapper
{
    public static Proto.Job ToProto(JobRecord job)
    {
        var message = new Proto.Job
        {
            Id = job.Id.ToString(),
            AppId = job.AppId,
            Workflow = job.Workflow,
            OrganizationId = job.OrganizationId,
            State = ToProto(job.State),
            Variables = ProtoJson.ToStruct(job.Variables),
            CreateTime = Timestamp.FromDateTimeOffset(job.CreatedAt),
            Error = job.Error ?? "",
            LastSequence = job.LastSequence,
            CreatedBy = job.CreatedBy,
            Creator = job.Creator ?? "",
            CallbackUrl = job.CallbackUrl ?? "",
            ParentJobId = job.ParentJobId?.ToString() ?? "",
            ScheduleId = job.ScheduleId ?? "",
            RerunOf = job.RerunOf?.ToString() ?? "",
        };
        if (job.ScheduledTime is { } scheduled)
        {
            message.ScheduledTime = Timestamp.FromDateTimeOffset(scheduled);
        }

        if (job.StartedAt is { } started)
        {
            message.StartTime = Timestamp.FromDateTimeOffset(started);
        }

        if (job.FinishedAt is { } finished)
        {
            message.FinishTime = Timestamp.FromDateTimeOffset(finished);
        }

        if (job.State == JobState.Succeeded)
        {
            message.Result = ProtoJson.ToValue(job.Result);
        }

        return message;
    }

    public static Proto.JobEvent ToProto(JobEvent ev)
    {
        var message = new Proto.JobEvent
        {
            Sequence = ev.Sequence,
            JobId = ev.JobId.ToString(),
            Type = ev.Type,
            Time = Timestamp.FromDateTimeOffset(ev.Time),
            BlockId = ev.BlockId ?? "",
            BlockType = ev.BlockType ?? "",
            Text = ev.Text ?? "",
            Error = ev.Error ?? "",
        };
        if (ev.Duration is { } duration)
        {
            message.Duration = Duration.FromTimeSpan(duration);
        }

        if (ev.Output is not null || ev.Type is JobEventTypes.BlockCompleted or JobEventTypes.JobSucceeded)
        {
            message.Output = ProtoJson.ToValue(ev.Output);
        }

        if (ev.Data is not null)
        {
            message.Data = ProtoJson.ToStruct(ev.Data);
        }

        return message;
    }

    public static Proto.Post ToProto(JobPost post) => new()
    {
        Id = post.Id,
        BlockId = post.BlockId ?? "",
        Role = post.Role,
        Content = post.Content,
        CreateTime = Timestamp.FromDateTimeOffset(post.Time),
    };

    public static Proto.JobState ToProto(JobState state) => state switch
    {
        JobState.Queued => Proto.JobState.Queued,
        JobState.Running => Proto.JobState.Running,
        JobState.Succeeded => Proto.JobState.Succeeded,
        JobState.Failed => Proto.JobState.Failed,
        JobState.Cancelled => Proto.JobState.Cancelled,
        JobState.Waiting => Proto.JobState.Waiting,
        _ => Proto.JobState.Unspecified,
    };

    public static JobState? FromProto(Proto.JobState state) => state switch
    {
        Proto.JobState.Queued => JobState.Queued,
        Proto.JobState.Running => JobState.Running,
        Proto.JobState.Succeeded => JobState.Succeeded,
        Proto.JobState.Failed => JobState.Failed,
        Proto.JobState.Cancelled => JobState.Cancelled,
        Proto.JobState.Waiting => JobState.Waiting,
        _ => null,
    };

    /// <summary>The recipe dialect's state names (it has no waiting: a waiting job is still running to its clients).</summary>
    public static string ToRecipeState(JobState state) => state switch
    {
        JobState.Queued => "ready",
        JobState.Running or JobState.Waiting => "running",
        JobState.Succeeded => "success",
        JobState.Failed => "error",
        _ => "stopped",
    };

    /// <summary>Parses a job id; anything that is not a UUID is simply an unknown job (404).</summary>
    public static Guid ParseJobId(string? id, string notFoundMessage = "") =>
        Guid.TryParse(id, out var guid)
            ? guid
            : throw new EngineException(EngineErrorKind.NotFound, notFoundMessage.Length > 0 ? notFoundMessage : $"job '{id}' not found");
}
