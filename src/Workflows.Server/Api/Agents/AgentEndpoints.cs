using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using Workflows.Blocks.Models;
using Workflows.Engine.Apps;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Server.Api.Mapping;
using Workflows.Server.Auth;
using Workflows.Server.Hosting;

namespace Workflows.Server.Api.Agents;

/// <summary>
/// The paths the vendor's newer SDK (<c>@mindstudio-ai/agent</c>) calls under <c>/developer/v2</c>: agents (load, run,
/// poll), the account and the model list. Minimal endpoints rather than transcoded RPCs because the poll is anonymous
/// and its answers are loose JSON the SDK reads field by field; they map onto the same engine calls as the
/// transcoded paths.
/// </summary>
internal static class AgentEndpoints
{
    /// <summary>How long a run's <c>callbackToken</c> may be polled after the run starts.</summary>
    public static readonly TimeSpan PollLifetime = TimeSpan.FromDays(1);

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public static IEndpointRouteBuilder MapAgentEndpoints(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/developer/v2").RequireRateLimiting(RateLimits.Policy);
        v2.MapGet("/agents/load", LoadAsync);
        v2.MapPost("/agents/run", RunAsync);
        // The token in the path is the credential: no Authorization header.
        v2.MapGet("/agents/run/poll/{callbackToken}", PollAsync).AllowAnonymous();
        v2.MapGet("/account/userinfo", UserInfoAsync);
        v2.MapGet("/helpers/models", Models);
        v2.MapGet("/helpers/models/{modelType}", Models);
        v2.MapGet("/helpers/models-summary", Models);
        v2.MapGet("/helpers/models-summary/{modelType}", Models);
        StepEndpoints.Map(v2);
        UploadEndpoints.Map(v2);
        return app;
    }

    /// <summary>Runs <paramref name="work"/>, answering engine errors in the dialect's error shape.</summary>
    public static async Task<IResult> AnswerAsync(HttpContext http, Func<Task<IResult>> work)
    {
        try
        {
            return await work();
        }
        catch (EngineException ex)
        {
            return DeveloperErrors.Result(http, ex);
        }
        catch (Blocks.Net.OutboundRefusedException ex)
        {
            return DeveloperErrors.Result(StatusCodes.Status400BadRequest, ex.Message);
        }
    }

    /// <summary>The caller's organisation id and name; 404 when it is not configured.</summary>
    public static (Caller Caller, string Name) Organization(HttpContext http, IOptions<WorkflowsOptions> options)
    {
        var caller = Caller.From(http.User);
        caller.EnsureCanRead();
        var name = options.Value.OrganizationName(caller.OrganizationId)
            ?? throw new EngineException(EngineErrorKind.NotFound, $"organisation '{caller.OrganizationId}' not found");
        return (caller, name);
    }

    private static Task<IResult> LoadAsync(HttpContext http, IAppCatalog catalog, IOptions<WorkflowsOptions> options) =>
        AnswerAsync(http, () =>
        {
            var (caller, name) = Organization(http, options);
            var apps = new JsonArray();
            foreach (var app in catalog.ListApps(caller.OrganizationId).Where(a => caller.CanUseApp(a.Id)).OrderBy(a => a.Name, StringComparer.Ordinal))
            {
                apps.Add(new JsonObject
                {
                    ["id"] = app.Id,
                    ["name"] = app.Name,
                    ["description"] = app.Description,
                    ["slug"] = app.Slug,
                    ["iconUrl"] = "",
                    ["refs"] = new JsonObject(),
                    // Apps are definitions loaded from files or the API; no edit history is kept.
                    ["dateCreated"] = null,
                    ["dateLastEdited"] = null,
                });
            }

            return Task.FromResult(AgentJson.Result(new JsonObject { ["orgId"] = caller.OrganizationId, ["orgName"] = name, ["apps"] = apps }));
        });

    private static Task<IResult> RunAsync(HttpContext http, JobService jobs, IJobStore store, TimeProvider time, CancellationToken cancellationToken) =>
        AnswerAsync(http, async () =>
        {
            var body = await AgentJson.ReadObjectAsync(http.Request, cancellationToken);
            var appId = AgentJson.String(body, "appId");
            if (string.IsNullOrWhiteSpace(appId))
            {
                throw new EngineException(EngineErrorKind.InvalidArgument, "field 'appId' is required");
            }

            var caller = Caller.From(http.User);
            caller.EnsureCanRun(appId);
            var request = new StartJobRequest
            {
                OrganizationId = caller.OrganizationId,
                AppId = appId,
                Workflow = AgentJson.String(body, "workflow"),
                Variables = AgentJson.Object(body, "variables")?.DeepClone().AsObject(),
                IdempotencyKey = http.Request.Headers["Idempotency-Key"].FirstOrDefault(),
                CreatedBy = caller.TokenId,
                Creator = caller.Subject,
                Dialect = "apps",
            };
            var includeCost = AgentJson.Flag(body, "includeBillingCost");
            if (AgentJson.Flag(body, "async"))
            {
                var started = await jobs.StartAsync(request, cancellationToken);
                var callbackToken = NewPollToken();
                var now = time.GetUtcNow();
                await store.PutHandleAsync(
                    new Handle(PollKey(callbackToken), caller.OrganizationId, started.Id.ToString("D"), now + PollLifetime), now, cancellationToken);
                return AgentJson.Result(new JsonObject { ["success"] = true, ["threadId"] = started.Id.ToString(), ["callbackToken"] = callbackToken });
            }

            var job = await jobs.RunAsync(request, jobs.Options.SyncWait, cancellationToken);
            if (!job.State.IsTerminal())
            {
                throw new EngineException(EngineErrorKind.Aborted, $"run {job.Id} is still running; use \"async\": true for long runs");
            }

            if (job.State != JobState.Succeeded)
            {
                return DeveloperErrors.Result(StatusCodes.Status500InternalServerError, $"run {job.Id} failed: {job.Error}");
            }

            return AgentJson.Result(await RunResultAsync(jobs, job, includeCost, numericCost: false, cancellationToken));
        });

    private static async Task<IResult> PollAsync(string callbackToken, JobService jobs, IJobStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var handle = callbackToken.Length is > 0 and <= 200
            ? await store.GetHandleAsync(PollKey(callbackToken), time.GetUtcNow(), cancellationToken)
            : null;
        var job = handle is not null && Guid.TryParse(handle.Target, out var jobId)
            ? await store.GetJobAsync(handle.OrganizationId, jobId, cancellationToken)
            : null;
        if (job is null)
        {
            return DeveloperErrors.Result(StatusCodes.Status404NotFound, "poll token not found or expired");
        }

        return job.State switch
        {
            JobState.Succeeded => AgentJson.Result(new JsonObject
            {
                ["status"] = "complete",
                ["result"] = await RunResultAsync(jobs, job, includeCost: true, numericCost: true, cancellationToken),
            }),
            JobState.Failed or JobState.Cancelled => AgentJson.Result(new JsonObject
            {
                ["status"] = "error",
                ["error"] = $"run {job.Id} {(job.State == JobState.Cancelled ? "was cancelled" : "failed")}: {job.Error}",
            }),
            _ => AgentJson.Result(new JsonObject { ["status"] = "pending" }),
        };
    }

    private static Task<IResult> UserInfoAsync(HttpContext http, IOptions<WorkflowsOptions> options) =>
        AnswerAsync(http, () =>
        {
            var (caller, name) = Organization(http, options);
            return Task.FromResult(AgentJson.Result(new JsonObject
            {
                ["userId"] = caller.TokenId,
                ["displayName"] = $"{caller.Action} token {caller.TokenId}",
                ["organizationId"] = caller.OrganizationId,
                ["organizationName"] = name,
                ["members"] = new JsonArray(),
            }));
        });

    /// <summary>One entry per configured provider: its model, typed <c>llm_chat</c> (the only kind the blocks call).</summary>
    private static Task<IResult> Models(HttpContext http, IOptions<ModelOptions> models, IOptions<WorkflowsOptions> options, string? modelType = null) =>
        AnswerAsync(http, () =>
        {
            _ = Organization(http, options);
            var list = new JsonArray();
            var configured = models.Value;
            foreach (var (provider, settings) in configured.Providers.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var id = settings.Model ?? provider;
                if (modelType is not null && modelType != "llm_chat")
                {
                    continue;
                }

                var entry = new JsonObject
                {
                    ["id"] = id,
                    ["name"] = id,
                    ["type"] = "llm_chat",
                    ["provider"] = provider,
                    ["tags"] = new JsonArray(),
                    ["default"] = string.Equals(provider, configured.DefaultProvider, StringComparison.OrdinalIgnoreCase)
                        || (configured.DefaultProvider is null && configured.Providers.Count == 1),
                };
                if (configured.Prices.TryGetValue(id, out var price))
                {
                    entry["price"] = new JsonObject { ["inputPerMillion"] = price.InputPerMillion, ["outputPerMillion"] = price.OutputPerMillion };
                }

                list.Add(entry);
            }

            return Task.FromResult(AgentJson.Result(new JsonObject { ["models"] = list }));
        });

    /// <summary>The <c>apps/run</c> answer for a finished job; the cost only when asked, a number where the SDK wants one.</summary>
    private static async Task<JsonObject> RunResultAsync(JobService jobs, JobRecord job, bool includeCost, bool numericCost, CancellationToken cancellationToken)
    {
        var posts = await jobs.GetPostsAsync(job, cancellationToken);
        var cost = await jobs.GetBillingCostAsync(job, cancellationToken);
        var result = JsonNode.Parse(Formatter.Format(ThreadMapper.ToRunResponse(job, posts, cost)))!.AsObject();
        if (!includeCost)
        {
            result.Remove("billingCost");
        }
        else if (numericCost)
        {
            result["billingCost"] = decimal.Parse(cost, System.Globalization.CultureInfo.InvariantCulture);
        }

        return result;
    }

    /// <summary>256 random bits, base64url: unguessable, and only its hash is stored.</summary>
    private static string NewPollToken() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    private static string PollKey(string token) =>
        "poll:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    private static string Base64UrlEncode(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
