using System.Globalization;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Workflows.Contracts.V1;
using Workflows.Engine.Apps;
using Workflows.Engine.Jobs;
using Workflows.Blocks.Net;
using Workflows.Security;
using Workflows.Server.Api.Mapping;
using Workflows.Server.Auth;
using Workflows.Server.Files;
using Workflows.Server.Hosting;

namespace Workflows.Server.Api;

/// <summary>The native <c>workflows.v1.WorkflowService</c>: maps messages to the engine and nothing more.</summary>
internal sealed partial class WorkflowApi(
    JobService jobs,
    IAppCatalog catalog,
    TokenIssuer tokens,
    IOptions<WorkflowsOptions> options,
    JobArtifacts artifacts,
    DeliveryService deliveries,
    OutboundGuard guard,
    Engine.Schedules.ScheduleService schedules,
    RevokedTokens revokedTokens,
    TokenChecks tokenChecks,
    TimeProvider time) : WorkflowService.WorkflowServiceBase
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(15);

    public override async Task<RunResponse> Run(RunRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.EnsureCanRun(request.AppId);
        var wait = request.Wait is null ? jobs.Options.DefaultWait : request.Wait.ToTimeSpan();
        if (wait < TimeSpan.Zero || wait > MaxWait)
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, $"wait must be between 0 and {MaxWait.TotalSeconds:0} s");
        }

        var callbackUrl = await guard.CheckDeliveryUrlAsync(request.CallbackUrl, "callback_url", context.CancellationToken);
        var progressUrl = await guard.CheckDeliveryUrlAsync(request.ProgressUrl, "progress_url", context.CancellationToken);
        var job = await jobs.RunAsync(
            new StartJobRequest
            {
                OrganizationId = caller.OrganizationId,
                AppId = request.AppId,
                Workflow = request.Workflow,
                Variables = ProtoJson.ToObject(request.Variables),
                CallbackUrl = callbackUrl,
                ProgressUrl = progressUrl,
                IdempotencyKey = IdempotencyKeyHeader.From(context, request.IdempotencyKey),
                CreatedBy = caller.TokenId,
                Creator = caller.Subject,
                Dialect = "native",
                Budget = BudgetOf(request.Budget),
            },
            wait,
            context.CancellationToken);
        return RunResponseFor(job);
    }

    private static JobBudget? BudgetOf(Budget? budget)
    {
        if (budget is null)
        {
            return null;
        }

        try
        {
            return JobBudget.Parse(
                budget.MaxCost, budget.HasMaxTokens ? budget.MaxTokens.ToString(CultureInfo.InvariantCulture) : null, "budget");
        }
        catch (FormatException e)
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, e.Message);
        }
    }

    internal static RunResponse RunResponseFor(JobRecord job)
    {
        var response = new RunResponse { Job = JobMapper.ToProto(job), Sequence = job.LastSequence };
        if (job.State == Engine.Jobs.JobState.Succeeded)
        {
            response.Result = ProtoJson.ToValue(job.Result);
        }

        return response;
    }

    public override Task<LoadResponse> Load(LoadRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.EnsureCanRead();
        var response = new LoadResponse
        {
            Organization = new Organization
            {
                Id = caller.OrganizationId,
                Name = options.Value.OrganizationName(caller.OrganizationId) ?? caller.OrganizationId,
            },
        };
        foreach (var app in catalog.ListApps(caller.OrganizationId).Where(a => caller.CanUseApp(a.Id)))
        {
            response.Apps.Add(AppMapper.ToProto(app));
        }

        return Task.FromResult(response);
    }
}
