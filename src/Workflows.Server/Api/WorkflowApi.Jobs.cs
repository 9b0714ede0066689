using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Server.Api.Mapping;
using Workflows.Server.Auth;

namespace Workflows.Server.Api;

/// <summary>Job reading, watching and cancelling.</summary>
internal sealed partial class WorkflowApi
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 500;
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    public override async Task WatchJob(WatchJobRequest request, IServerStreamWriter<WatchJobResponse> responseStream, ServerCallContext context)
    {
        var caller = Caller.From(context);
        // Only the id is kept: the record would be held for as long as the watch stays open.
        var jobId = (await jobs.GetVisibleJobAsync(caller, request.JobId, context.CancellationToken)).Id;
        // What arrived together leaves together: over gRPC every message but a batch's last is only buffered, so a
        // commit's events reach the client in one flush (one HTTP/2 write) instead of one each. (JSON transcoding has no
        // write options: NDJSON lines are flushed one by one.)
        var buffer = context.GetHttpContext().Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true;
        await foreach (var batch in jobs.WatchBatchesAsync(caller.OrganizationId, jobId, request.AfterSequence, context.CancellationToken))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (buffer)
                {
                    responseStream.WriteOptions = i < batch.Count - 1 ? Buffered : null;
                }

                // gRPC copies bytes encoded once per event; JSON needs the message's fields.
                await responseStream.WriteAsync(WatchResponseCache.Get(batch[i], encoded: buffer), context.CancellationToken);
            }
        }
    }

    public override async Task<GetJobResponse> GetJob(GetJobRequest request, ServerCallContext context)
    {
        var job = await jobs.GetVisibleJobAsync(Caller.From(context), request.JobId, context.CancellationToken);
        return new GetJobResponse { Job = JobMapper.ToProto(job) };
    }

    public override async Task<ListJobsResponse> ListJobs(ListJobsRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.EnsureCanRead();
        if (request.PageSize < 0)
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, "page_size must not be negative");
        }

        IReadOnlyCollection<string>? apps = caller.IsAdmin ? null : caller.RecipeIds;
        if (!string.IsNullOrEmpty(request.AppId))
        {
            apps = caller.CanUseApp(request.AppId) ? [request.AppId] : [];
        }

        var page = await jobs.ListAsync(
            new JobQuery(caller.OrganizationId, request.PageSize == 0 ? DefaultPageSize : Math.Min(request.PageSize, MaxPageSize), NullIfEmpty(request.PageToken))
            {
                State = JobMapper.FromProto(request.State),
                AppIds = apps,
            },
            context.CancellationToken);
        var response = new ListJobsResponse { NextPageToken = page.NextPageToken ?? "" };
        response.Jobs.AddRange(page.Jobs.Select(JobMapper.ToProto));
        return response;
    }

    public override async Task<SignalJobResponse> SignalJob(SignalJobRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var job = await jobs.GetVisibleJobAsync(caller, request.JobId, context.CancellationToken);
        // A token that may run the app may answer its jobs.
        caller.EnsureCanRun(job.AppId);
        var added = await jobs.SignalAsync(
            caller.OrganizationId, job.Id, request.Signal, ProtoJson.ToObject(request.Payload), request.IdempotencyKey, context.CancellationToken);
        return new SignalJobResponse
        {
            Job = JobMapper.ToProto(added.Job!),
            SignalId = added.Signal?.Id ?? 0,
            Duplicate = added.Duplicate,
        };
    }

    public override async Task<CancelJobResponse> CancelJob(CancelJobRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var job = await jobs.GetVisibleJobAsync(caller, request.JobId, context.CancellationToken);
        job = await jobs.CancelAsync(caller.OrganizationId, job.Id, request.Reason, context.CancellationToken);
        return new CancelJobResponse { Job = JobMapper.ToProto(job) };
    }

    public override async Task<RerunJobResponse> RerunJob(RerunJobRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var original = await jobs.GetVisibleJobAsync(caller, request.JobId, context.CancellationToken);
        caller.EnsureCanRun(original.AppId);
        var job = await jobs.RerunAsync(
            original, ProtoJson.ToObject(request.Variables), caller.TokenId, context.CancellationToken, NullIfEmpty(request.FromBlock), caller.Subject);
        return new RerunJobResponse { Job = JobMapper.ToProto(job) };
    }

    public override async Task<GetJobResultsResponse> GetJobResults(GetJobResultsRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var job = await jobs.GetVisibleJobAsync(caller, request.JobId, context.CancellationToken);
        var posts = await jobs.GetPostsAsync(job, context.CancellationToken);
        var response = new GetJobResultsResponse
        {
            Job = JobMapper.ToProto(job),
            BillingCost = await jobs.GetBillingCostAsync(job, context.CancellationToken),
        };
        if (job.State == Engine.Jobs.JobState.Succeeded)
        {
            response.Result = ProtoJson.ToValue(job.Result);
            response.Artifacts.AddRange(await artifacts.FindAsync(job, context.GetHttpContext(), context.CancellationToken));
        }

        response.Posts.AddRange(posts.Select(JobMapper.ToProto));
        return response;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
