using System.Diagnostics;
using Workflows.Engine.Jobs;

namespace Workflows.Engine.Diagnostics;

/// <summary>The <c>workflow.run</c> span of one attempt at a job, and how a later attempt joins the job's trace.</summary>
internal static class JobTracing
{
    /// <summary>
    /// Starts the attempt's span, or returns null when nothing listens. A job that ran before (its trace stored with it)
    /// continues that trace: the new span is the earlier attempt's child and links to it. A first attempt's parent is
    /// the ambient span: the request that started the job (whose parent is the caller's <c>traceparent</c>), or the
    /// block of a parent job.
    /// </summary>
    public static Activity? StartRun(JobRecord job)
    {
        if (!EngineTelemetry.Source.HasListeners())
        {
            return null;
        }

        ActivityContext parent = default;
        ActivityLink[]? links = null;
        if (job.TraceParent is { } stored && ActivityContext.TryParse(stored, null, isRemote: true, out var earlier))
        {
            parent = earlier;
            links = [new ActivityLink(earlier)];
        }

        var activity = EngineTelemetry.Source.StartActivity(EngineTelemetry.RunSpan, ActivityKind.Internal, parent, links: links);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(EngineTelemetry.JobIdTag, job.Id.ToString());
            activity.SetTag(EngineTelemetry.AppIdTag, job.AppId);
            activity.SetTag(EngineTelemetry.WorkflowTag, job.Workflow);
            activity.SetTag(EngineTelemetry.OrganizationIdTag, job.OrganizationId);
            activity.SetTag(EngineTelemetry.ResumedTag, job.State is not JobState.Queued);
        }

        return activity;
    }

    /// <summary>Records the state the attempt left the job in; a failed job's span gets status Error with its message.</summary>
    public static void EndRun(Activity? activity, JobRecord job)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(EngineTelemetry.StateTag, StateName(job.State));
        if (job.State == JobState.Failed)
        {
            activity.SetStatus(ActivityStatusCode.Error, job.Error);
        }
    }

    /// <summary>The state as metrics and spans name it (as the API does, lower case).</summary>
    public static string StateName(JobState state) => state switch
    {
        JobState.Queued => "queued",
        JobState.Running => "running",
        JobState.Succeeded => "succeeded",
        JobState.Failed => "failed",
        JobState.Cancelled => "cancelled",
        JobState.Waiting => "waiting",
        _ => "unknown",
    };
}
