using System.Globalization;
using System.Text.Json.Nodes;
using Workflows.Engine.Jobs;
using Workflows.Server.Auth;

namespace Workflows.Server.Api.Agents;

/// <summary>
/// Direct step execution: <c>POST /developer/v2/steps/{stepType}/execute</c> runs one vendor step as one of our
/// blocks, on its own (<see cref="StepRunner"/>), and <c>POST /developer/v2/steps/execute-batch</c> runs up to 50 in
/// parallel. A step type with no block behind it is a 400 naming it.
/// </summary>
internal static class StepEndpoints
{
    /// <summary>The most steps one batch may hold.</summary>
    public const int MaxBatch = 50;

    public static void Map(RouteGroupBuilder v2)
    {
        v2.MapPost("/steps/{stepType}/execute", ExecuteAsync);
        v2.MapPost("/steps/execute-batch", ExecuteBatchAsync);
    }

    private static Task<IResult> ExecuteAsync(string stepType, HttpContext http, StepRunner runner, CancellationToken cancellationToken) =>
        AgentEndpoints.AnswerAsync(http, async () =>
        {
            var caller = Caller.From(http.User);
            caller.EnsureCanRead();
            var body = await AgentJson.ReadObjectAsync(http.Request, cancellationToken);
            var step = AgentJson.Object(body, "step") ?? throw new EngineException(EngineErrorKind.InvalidArgument, "field 'step' is required");
            var appId = AgentJson.String(body, "appId");
            var threadId = ThreadId(AgentJson.String(body, "threadId"));
            var result = await runner.RunAsync(caller, stepType, step, threadId, cancellationToken);
            http.Response.Headers["x-mindstudio-thread-id"] = threadId.ToString();
            http.Response.Headers["x-mindstudio-billing-cost"] = result.BillingCost.ToString(CultureInfo.InvariantCulture);
            if (appId is not null)
            {
                http.Response.Headers["x-mindstudio-app-id"] = appId;
            }

            return result.Error is { } error
                ? DeveloperErrors.Result(StatusCodes.Status500InternalServerError, $"step '{stepType}' failed: {error}")
                : AgentJson.Result(new JsonObject { ["output"] = result.Output });
        });

    private static Task<IResult> ExecuteBatchAsync(HttpContext http, StepRunner runner, CancellationToken cancellationToken) =>
        AgentEndpoints.AnswerAsync(http, async () =>
        {
            var caller = Caller.From(http.User);
            caller.EnsureCanRead();
            var body = await AgentJson.ReadObjectAsync(http.Request, cancellationToken);
            if (body["steps"] is not JsonArray steps || steps.Count == 0)
            {
                throw new EngineException(EngineErrorKind.InvalidArgument, "field 'steps' must be a non-empty list of {stepType, step}");
            }

            if (steps.Count > MaxBatch)
            {
                throw new EngineException(EngineErrorKind.InvalidArgument, $"field 'steps' holds {steps.Count} steps; at most {MaxBatch} are allowed");
            }

            var items = new List<(string StepType, JsonObject Step)>();
            for (var i = 0; i < steps.Count; i++)
            {
                if (steps[i] is not JsonObject item || AgentJson.String(item, "stepType") is not { Length: > 0 } stepType)
                {
                    throw new EngineException(EngineErrorKind.InvalidArgument, $"steps[{i}].stepType is required");
                }

                var step = AgentJson.Object(item, "step") ?? throw new EngineException(EngineErrorKind.InvalidArgument, $"steps[{i}].step is required");
                // Every step type is checked before any runs, so a batch with an unknown type runs nothing.
                StepRunner.EnsureSupported(stepType, $"steps[{i}].stepType");
                items.Add((stepType, step));
            }

            var appId = AgentJson.String(body, "appId");
            var threadId = ThreadId(AgentJson.String(body, "threadId"));
            var results = await Task.WhenAll(items.Select(item => runner.RunAsync(caller, item.StepType, item.Step, threadId, cancellationToken)));
            var answers = new JsonArray();
            foreach (var (item, result) in items.Zip(results))
            {
                var answer = new JsonObject { ["stepType"] = item.StepType, ["billingCost"] = result.BillingCost };
                if (result.Error is { } error)
                {
                    answer["error"] = error;
                }
                else
                {
                    answer["output"] = result.Output;
                }

                answers.Add(answer);
            }

            return AgentJson.Result(new JsonObject
            {
                ["results"] = answers,
                ["totalBillingCost"] = results.Sum(r => r.BillingCost),
                ["appId"] = appId,
                ["threadId"] = threadId.ToString(),
            });
        });

    /// <summary>The caller's thread id when it is one of ours (a UUID), else a new one.</summary>
    private static Guid ThreadId(string? given) => Guid.TryParse(given, out var id) ? id : Guid.CreateVersion7();
}
