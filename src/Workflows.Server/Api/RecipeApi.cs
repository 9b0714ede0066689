using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Core;
using Workflows.Contracts.V1;
using Workflows.Engine.Apps;
using Workflows.Engine.Definitions;
using Workflows.Engine.Jobs;
using Workflows.Engine.Storage;
using Workflows.Server.Api.Mapping;
using Workflows.Server.Auth;
using Workflows.Server.Files;

namespace Workflows.Server.Api;

/// <summary>Dialect 2, the "recipes" paths under /api/v1/workflow: a mapping onto the same engine calls.</summary>
internal sealed class RecipeApi(JobService jobs, IAppCatalog catalog, JobArtifacts artifacts) : RecipeApiService.RecipeApiServiceBase
{
    /// <summary>The exact 404 message recipe clients look for.</summary>
    public const string JobNotFound = "Job not found";

    private const int MaxJobs = 500;

    public override async Task<ExecRecipeResponse> ExecRecipe(ExecRecipeRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.Workflow))
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, "workflow (the recipe id) is required");
        }

        var caller = Caller.From(context);
        caller.EnsureCanRun(request.Workflow);
        var job = await jobs.StartAsync(
            new StartJobRequest
            {
                OrganizationId = caller.OrganizationId,
                AppId = request.Workflow,
                Variables = ArgsToVariables(ProtoJson.ToObject(request.Args)),
                IdempotencyKey = IdempotencyKeyHeader.From(context),
                CreatedBy = caller.TokenId,
                Creator = caller.Subject,
                Dialect = "recipes",
            },
            context.CancellationToken);
        return new ExecRecipeResponse
        {
            Result = new ExecRecipeResult { Status = "JOB_STARTED", JobId = job.Id.ToString(), Sender = "omni" },
        };
    }

    /// <summary>
    /// Every key of <c>args</c> becomes a launch variable of the same name; when <c>args.json</c> is an object,
    /// its keys become launch variables too, unless <c>args</c> names them itself.
    /// </summary>
    internal static JsonObject ArgsToVariables(JsonObject args)
    {
        var variables = new JsonObject();
        foreach (var (key, value) in args)
        {
            variables[key] = value?.DeepClone();
        }

        if (args["json"] is JsonObject json)
        {
            foreach (var (key, value) in json)
            {
                if (!variables.ContainsKey(key))
                {
                    variables[key] = value?.DeepClone();
                }
            }
        }

        return variables;
    }

    public override async Task<ListRecipeJobsResponse> ListRecipeJobs(ListRecipeJobsRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.EnsureCanRead();
        if (request.Limit < 0)
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, "limit must not be negative");
        }

        // Paged instead of cut at MaxJobs: a client reading every job follows `bookmark` (the store's page token).
        var limit = request.Limit == 0 ? MaxJobs : Math.Min(request.Limit, MaxJobs);
        var page = await jobs.ListAsync(
            new JobQuery(caller.OrganizationId, limit, string.IsNullOrEmpty(request.Bookmark) ? null : request.Bookmark)
            {
                AppIds = caller.IsAdmin ? null : caller.RecipeIds,
            },
            context.CancellationToken);
        var response = new ListRecipeJobsResponse();
        if (page.NextPageToken is { } next)
        {
            response.Bookmark = next;
        }

        foreach (var job in page.Jobs)
        {
            response.Jobs.Add(new RecipeJob { Id = job.Id.ToString(), State = JobMapper.ToRecipeState(job.State), User = job.CreatedBy });
        }

        return response;
    }

    public override async Task<GetRecipeResultsResponse> GetRecipeResults(GetRecipeResultsRequest request, ServerCallContext context)
    {
        var job = await jobs.GetVisibleJobAsync(Caller.From(context), request.JobId, context.CancellationToken, JobNotFound);
        var response = new GetRecipeResultsResponse
        {
            Artifacts = new RecipeArtifacts(),
            Job = new RecipeJobSummary
            {
                UserId = job.CreatedBy,
                JobId = job.Id.ToString(),
                RecipeId = job.AppId,
                Success = job.State == Engine.Jobs.JobState.Succeeded,
            },
            Created = job.CreatedAt.ToUnixTimeMilliseconds(),
        };
        if (!string.IsNullOrEmpty(job.Error))
        {
            response.Job.Errors.Add(job.Error);
        }

        if (job.State == Engine.Jobs.JobState.Succeeded)
        {
            AddOutputs(response, job.Result);
            JobArtifacts.AddTo(response.Artifacts, await artifacts.FindAsync(job, context.GetHttpContext(), context.CancellationToken));
        }

        return response;
    }

    /// <summary>A text result goes to <c>text</c>; an object result goes to <c>objects</c>, and its text values to <c>text</c>.</summary>
    private static void AddOutputs(GetRecipeResultsResponse response, JsonNode? result)
    {
        switch (result)
        {
            case JsonValue value when value.TryGetValue<string>(out var text):
                response.Text.Add(text);
                break;
            case JsonObject obj:
                foreach (var (_, field) in obj)
                {
                    if (field is JsonValue v && v.TryGetValue<string>(out var fieldText))
                    {
                        response.Text.Add(fieldText);
                    }
                }

                response.Objects.Add(ProtoJson.ToValue(obj));
                break;
            case null:
                break;
            default:
                response.Objects.Add(ProtoJson.ToValue(result));
                break;
        }
    }

    public override async Task<StopRecipeJobResponse> StopRecipeJob(StopRecipeJobRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var job = await jobs.GetVisibleJobAsync(caller, request.JobId, context.CancellationToken, JobNotFound);
        await jobs.CancelAsync(caller.OrganizationId, job.Id, "stopped by request", context.CancellationToken);
        return new StopRecipeJobResponse();
    }

    public override Task<ListRecipesResponse> ListRecipes(ListRecipesRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        caller.EnsureCanRead();
        if (request.Limit < 0)
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, "limit must not be negative");
        }

        var limit = request.Limit == 0 ? 50 : Math.Min(request.Limit, 500);
        var after = DecodeBookmark(request.Bookmark);
        var apps = catalog.ListApps(caller.OrganizationId)
            .Where(a => caller.CanUseApp(a.Id) && (after is null || string.CompareOrdinal(a.Id, after) > 0))
            .Take(limit + 1)
            .ToList();
        var response = new ListRecipesResponse();
        foreach (var app in apps.Take(limit))
        {
            var recipe = new RecipeSummary { Id = app.Id, Name = app.Name, Description = app.Description };
            if (app.Workflows.TryGetValue(AppDefinition.DefaultWorkflow, out var main))
            {
                recipe.LaunchVariables.AddRange(main.LaunchVariables.Select(v => v.Name));
            }

            response.Recipes.Add(recipe);
        }

        response.Bookmark = apps.Count > limit ? EncodeBookmark(apps[limit - 1].Id) : "";
        return Task.FromResult(response);
    }

    private static string EncodeBookmark(string appId) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(appId));

    private static string? DecodeBookmark(string bookmark)
    {
        if (string.IsNullOrEmpty(bookmark))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(bookmark));
        }
        catch (FormatException)
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, "bookmark is not one this service issued");
        }
    }
}
