using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Blocks;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;
using Workflows.Engine.Execution;
using Workflows.Engine.Jobs;
using Workflows.Server.Auth;

namespace Workflows.Server.Api.Agents;

/// <summary>What one step produced: its output in the vendor's shape, or its error; and what it cost.</summary>
internal sealed record StepResult(JsonObject? Output, string? Error, decimal BillingCost);

/// <summary>
/// Runs one vendor step as one block, in memory (no job is stored: a direct step is a function call). The step's
/// values reach the block as launch variables, never as template text, so a <c>{{</c> in a prompt or URL is sent as
/// written. Supported: <c>userMessage</c> (<c>generate_text</c>, or an echo for <c>source: "system"</c>) and
/// <c>httpRequest</c> (<c>http_request</c>, through the outbound guard).
/// </summary>
internal sealed class StepRunner(WorkflowExecutor executor, BlockRegistry blocks)
{
    public const string UserMessage = "userMessage";
    public const string HttpRequest = "httpRequest";

    private static readonly string[] Supported = [UserMessage, HttpRequest];

    /// <summary>Throws a 400 naming <paramref name="stepType"/> unless a block runs it.</summary>
    public static void EnsureSupported(string stepType, string field = "stepType")
    {
        if (!Supported.Contains(stepType, StringComparer.Ordinal))
        {
            throw new EngineException(
                EngineErrorKind.InvalidArgument,
                $"{field}: step type '{stepType}' cannot be executed here (supported: {string.Join(", ", Supported)})");
        }
    }

    public async Task<StepResult> RunAsync(Caller caller, string stepType, JsonObject step, Guid threadId, CancellationToken cancellationToken)
    {
        EnsureSupported(stepType);
        if (stepType == UserMessage && AgentJson.String(step, "source") == "system")
        {
            return new StepResult(new JsonObject { ["content"] = RequiredString(step, "message") }, null, 0);
        }

        var (block, variables) = stepType == UserMessage ? TextGeneration(step) : Http(step);
        var workflow = WorkflowParser.Parse($"steps/{stepType}.flow", "step", Flow(block, variables), blocks);
        var app = new AppDefinition
        {
            Id = "steps",
            OrganizationId = caller.OrganizationId,
            Name = "Direct steps",
            Slug = "steps",
            Workflows = new Dictionary<string, WorkflowDefinition> { ["step"] = workflow },
            Source = "api",
        };
        var observer = new Observer();
        var outcome = await executor.ExecuteAsync(
            new ExecutionRequest
            {
                JobId = threadId,
                OrganizationId = caller.OrganizationId,
                App = app,
                Workflow = workflow,
                LaunchVariables = LaunchVariableBinder.Bind(workflow, variables),
            },
            observer,
            cancellationToken);
        if (!outcome.Succeeded || observer.Output is not { } output)
        {
            return new StepResult(null, outcome.Error ?? "the step produced no output", observer.Cost);
        }

        return new StepResult(stepType == UserMessage ? TextOutput(output) : HttpOutput(output), null, observer.Cost);
    }

    private static (JsonObject Block, JsonObject Variables) TextGeneration(JsonObject step)
    {
        var variables = new JsonObject { ["message"] = RequiredString(step, "message") };
        var block = new JsonObject { ["type"] = GenerateTextBlock.TypeName, ["prompt"] = "{{$launchVariables->message}}" };
        if (AgentJson.Object(step, "modelOverride") is { } model)
        {
            if (AgentJson.String(model, "model") is { Length: > 0 } name)
            {
                block[GenerateTextBlock.ModelParameter] = name;
            }

            if (model["temperature"] is JsonValue temperature && temperature.TryGetValue<double>(out var t))
            {
                block[GenerateTextBlock.TemperatureParameter] = t;
            }

            if (model["maxResponseTokens"] is JsonValue max && max.TryGetValue<double>(out var m) && m >= 1)
            {
                block[GenerateTextBlock.MaxTokensParameter] = (int)Math.Min(m, GenerateTextBlock.MaxTokensLimit);
            }

            if (AgentJson.String(model, "preamble") is { Length: > 0 } preamble)
            {
                variables["preamble"] = preamble;
                block[GenerateTextBlock.SystemParameter] = "{{$launchVariables->preamble}}";
            }
        }

        return (block, variables);
    }

    private static (JsonObject Block, JsonObject Variables) Http(JsonObject step)
    {
        var variables = new JsonObject { ["url"] = RequiredString(step, "url") };
        var block = new JsonObject
        {
            ["type"] = HttpRequestBlock.TypeName,
            ["url"] = "{{$launchVariables->url}}",
            ["method"] = (AgentJson.String(step, "method") is { Length: > 0 } method ? method : "GET").ToUpperInvariant(),
            // The vendor's step answers a 4xx/5xx as {ok: false, status}, not as a failed step.
            [HttpRequestBlock.FailOnErrorParameter] = false,
        };
        var headers = new JsonObject();
        var index = 0;
        foreach (var (name, value) in AgentJson.Object(step, "headers") ?? [])
        {
            variables[$"h{index}"] = Text(value);
            headers[name] = $"{{{{$launchVariables->h{index}}}}}";
            index++;
        }

        var contentType = AgentJson.String(step, "contentType") switch
        {
            null or "" or "none" => null,
            "custom" => AgentJson.String(step, "customContentType"),
            var given => given,
        };
        if (contentType is { Length: > 0 } && !headers.Any(h => string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase)))
        {
            variables[$"h{index}"] = contentType;
            headers["Content-Type"] = $"{{{{$launchVariables->h{index}}}}}";
        }

        if (headers.Count > 0)
        {
            block["headers"] = headers;
        }

        var query = new JsonObject();
        index = 0;
        foreach (var (name, value) in AgentJson.Object(step, "queryParams") ?? [])
        {
            variables[$"q{index}"] = Text(value);
            query[name] = $"{{{{$launchVariables->q{index}}}}}";
            index++;
        }

        if (query.Count > 0)
        {
            block["query"] = query;
        }

        if (AgentJson.String(step, "body") is { Length: > 0 } body)
        {
            variables["body"] = body;
            block["body"] = "{{$launchVariables->body}}";
        }

        return (block, variables);
    }

    /// <summary>A one-block workflow in JSON (a <c>.flow</c> may be JSON); every variable is a declared string.</summary>
    private static string Flow(JsonObject block, JsonObject variables)
    {
        block["id"] = "step";
        var declared = new JsonObject();
        foreach (var (name, _) in variables)
        {
            declared[name] = new JsonObject { ["type"] = "string" };
        }

        return new JsonObject { ["name"] = "step", ["launchVariables"] = declared, ["blocks"] = new JsonArray(block) }.ToJsonString();
    }

    private static JsonObject TextOutput(JsonNode output) => new()
    {
        ["content"] = output is JsonValue v && v.TryGetValue<string>(out var text) ? text : output.ToJsonString(),
    };

    private static JsonObject HttpOutput(JsonNode output)
    {
        var status = output["status"]?.GetValue<int>() ?? 0;
        var body = output["body"] switch
        {
            null => "",
            JsonValue v when v.TryGetValue<string>(out var text) => text,
            var other => other.ToJsonString(),
        };
        return new JsonObject
        {
            ["ok"] = status is >= 200 and < 300,
            ["status"] = status,
            ["statusText"] = ReasonPhrase(status),
            ["response"] = body,
        };
    }

    private static string ReasonPhrase(int status) =>
        Enum.IsDefined(typeof(HttpStatusCode), status) ? ((HttpStatusCode)status).ToString() : "";

    private static string RequiredString(JsonObject step, string field) =>
        AgentJson.String(step, field) is { Length: > 0 } value
            ? value
            : throw new EngineException(EngineErrorKind.InvalidArgument, $"step.{field} is required");

    private static string Text(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        var other => other.ToJsonString(),
    };

    /// <summary>Keeps the step block's output and adds up the billing costs its completion reports.</summary>
    private sealed class Observer : IExecutionObserver
    {
        public JsonNode? Output { get; private set; }

        public decimal Cost { get; private set; }

        public ValueTask BlockStartedAsync(BlockDefinition block, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask BlockCompletedAsync(BlockDefinition block, BlockResult result, TimeSpan duration, CancellationToken cancellationToken)
        {
            Output = result.Output?.DeepClone();
            if (result.Data?[Billing.DataKey] is JsonValue cost && decimal.TryParse(cost.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                Cost += value;
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask BlockFailedAsync(BlockDefinition block, string error, TimeSpan duration, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask BlockSkippedAsync(BlockDefinition block, string reason, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask TextDeltaAsync(BlockDefinition block, string text, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask LogAsync(BlockDefinition block, string message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
