using Grpc.Core;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using Workflows.Contracts.V1;
using Workflows.Engine.Apps;
using Workflows.Engine.Jobs;
using Workflows.Blocks.Net;
using Workflows.Server.Api.Mapping;
using Workflows.Server.Auth;
using Workflows.Server.Hosting;

namespace Workflows.Server.Api;

/// <summary>Dialect 1, the "apps / workers" paths under /developer/v2: a mapping onto the same engine calls.</summary>
internal sealed class DeveloperApi(JobService jobs, IAppCatalog catalog, IOptions<WorkflowsOptions> options, OutboundGuard guard)
    : DeveloperApiService.DeveloperApiServiceBase
{
    public override Task<RunAppResponse> RunApp(RunAppRequest request, ServerCallContext context) =>
        RunAsync(request.AppId, "appId", request.Workflow, request.Variables, request.CallbackUrl, request.ProgressUrl, context);

    public override async Task<RunWorkerResponse> RunWorker(RunWorkerRequest request, ServerCallContext context)
    {
        var response = await RunAsync(request.WorkerId, "workerId", request.Workflow, request.Variables, request.CallbackUrl, request.ProgressUrl, context);
        return ThreadMapper.ToWorkerResponse(response);
    }

    public override Task<LoadAppsResponse> LoadApps(LoadAppsRequest request, ServerCallContext context)
    {
        var (id, name) = Organization(context);
        return Task.FromResult(new LoadAppsResponse { OrgId = id, OrgName = name });
    }

    public override Task<LoadWorkersResponse> LoadWorkers(LoadWorkersRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var (id, name) = Organization(context);
        var response = new LoadWorkersResponse { OrgId = id, OrgName = name };
        foreach (var app in catalog.ListApps(caller.OrganizationId).Where(a => caller.CanUseApp(a.Id)))
        {
            response.Apps.Add(new WorkerSummary { Id = app.Id, Name = app.Name, Slug = app.Slug });
        }

        return Task.FromResult(response);
    }

    public override Task<ListWorkerWorkflowsResponse> ListWorkerWorkflows(ListWorkerWorkflowsRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.EnsureCanRead();
        var app = catalog.GetApp(caller.OrganizationId, request.Id);
        if (app is null || !caller.CanUseApp(app.Id))
        {
            throw new EngineException(EngineErrorKind.NotFound, $"worker '{request.Id}' not found");
        }

        var response = new ListWorkerWorkflowsResponse();
        foreach (var workflow in app.Workflows.Values.OrderBy(w => w.Name, StringComparer.Ordinal))
        {
            var item = new WorkerWorkflow { Id = workflow.Name, Name = workflow.Title, Slug = workflow.Name };
            item.LaunchVariables.AddRange(workflow.LaunchVariables.Select(v => v.Name));
            item.OutputVariables.AddRange(workflow.OutputVariables);
            response.Workflows.Add(item);
        }

        return Task.FromResult(response);
    }

    private async Task<RunAppResponse> RunAsync(
        string appId, string field, string workflow, Struct? variables, string callbackUrl, string progressUrl, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(appId))
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, $"{field} is required");
        }

        var caller = Caller.From(context);
        caller.EnsureCanRun(appId);
        var checkedCallbackUrl = await guard.CheckDeliveryUrlAsync(callbackUrl, "callbackUrl", context.CancellationToken);
        var checkedProgressUrl = await guard.CheckDeliveryUrlAsync(progressUrl, "progressUrl", context.CancellationToken);
        var job = await jobs.RunAsync(
            new StartJobRequest
            {
                OrganizationId = caller.OrganizationId,
                AppId = appId,
                Workflow = workflow,
                Variables = ProtoJson.ToObject(variables),
                CallbackUrl = checkedCallbackUrl,
                ProgressUrl = checkedProgressUrl,
                IdempotencyKey = IdempotencyKeyHeader.From(context),
                CreatedBy = caller.TokenId,
                Creator = caller.Subject,
                Dialect = "apps",
            },
            string.IsNullOrEmpty(callbackUrl) ? jobs.Options.SyncWait : TimeSpan.Zero,
            context.CancellationToken);
        if (job.CallbackUrl is not null)
        {
            return new RunAppResponse { Success = true, CallbackInProgress = true };
        }

        if (job.State is Engine.Jobs.JobState.Failed or Engine.Jobs.JobState.Cancelled)
        {
            // The npm client turns a non-2xx answer into an error showing our message; a 200 with
            // success=false would hand its callers an undefined result with no reason.
            throw new RpcException(new Status(StatusCode.Unknown, $"run {job.Id} failed: {job.Error}"));
        }

        var posts = await jobs.GetPostsAsync(job, context.CancellationToken);
        return ThreadMapper.ToRunResponse(job, posts, await jobs.GetBillingCostAsync(job, context.CancellationToken));
    }

    private (string Id, string Name) Organization(ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.EnsureCanRead();
        var name = options.Value.OrganizationName(caller.OrganizationId)
            ?? throw new EngineException(EngineErrorKind.NotFound, $"organisation '{caller.OrganizationId}' not found");
        return (caller.OrganizationId, name);
    }
}
