using Google.Protobuf.WellKnownTypes;
using Workflows.Contracts.V1;
using Workflows.Engine.Jobs;

namespace Workflows.Server.Api.Mapping;

/// <summary>A job as dialect 1 shows it: a thread, and the run response that carries it.</summary>
internal static class ThreadMapper
{
    public static Contracts.V1.Thread ToThread(JobRecord job, IReadOnlyList<JobPost> posts)
    {
        var thread = new Contracts.V1.Thread
        {
            Id = job.Id.ToString(),
            AppId = job.AppId,
            OrganizationId = job.OrganizationId,
            EntryWorkflowId = job.Workflow,
            Source = "api",
            Name = string.IsNullOrEmpty(job.WorkflowTitle) ? job.Workflow : job.WorkflowTitle,
            Variables = ProtoJson.ToStruct(job.Variables),
            IsRunning = !job.State.IsTerminal(),
            IsFinished = job.State.IsTerminal(),
            Error = job.Error is null ? Value.ForNull() : Value.ForString(job.Error),
            DateCreated = Timestamp.FromDateTimeOffset(job.CreatedAt),
            DateLastMessage = Timestamp.FromDateTimeOffset(posts.Count > 0 ? posts[^1].Time : job.FinishedAt ?? job.StartedAt ?? job.CreatedAt),
        };
        foreach (var post in posts)
        {
            thread.Posts.Add(new ThreadPost
            {
                Id = post.Id,
                Role = post.Role,
                BlockId = post.BlockId ?? "",
                Content = post.Content,
                DateCreated = Timestamp.FromDateTimeOffset(post.Time),
            });
        }

        return thread;
    }

    /// <summary>The synchronous run response, which is also the callback body; <paramref name="billingCost"/> is the job's cost.</summary>
    public static RunAppResponse ToRunResponse(JobRecord job, IReadOnlyList<JobPost> posts, string billingCost)
    {
        var response = new RunAppResponse
        {
            Success = job.State == Engine.Jobs.JobState.Succeeded,
            ThreadId = job.Id.ToString(),
            Thread = ToThread(job, posts),
            BillingCost = billingCost,
        };
        if (job.State == Engine.Jobs.JobState.Succeeded)
        {
            response.Result = ProtoJson.ToValue(job.Result);
        }

        return response;
    }

    /// <summary>The same response under RunWorker's name; optional fields are copied only when set, so that the
    /// callback answer stays exactly <c>{"success": true, "callbackInProgress": true}</c>.</summary>
    public static RunWorkerResponse ToWorkerResponse(RunAppResponse response)
    {
        var worker = new RunWorkerResponse { Success = response.Success, Thread = response.Thread, Result = response.Result };
        if (response.HasThreadId)
        {
            worker.ThreadId = response.ThreadId;
        }

        if (response.HasBillingCost)
        {
            worker.BillingCost = response.BillingCost;
        }

        if (response.HasCallbackInProgress)
        {
            worker.CallbackInProgress = response.CallbackInProgress;
        }

        return worker;
    }
}
