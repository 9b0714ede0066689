using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Workflows.Blocks.Internal;
using Workflows.Blocks.Models;
using Workflows.Blocks.Models.Internal;
using Workflows.Engine.Diagnostics;
using Workflows.Engine.Jobs;
using Workflows.Engine.Templating;

namespace Workflows.Blocks;

/// <summary>
/// <c>type: generate_text</c> — asks a chat model (any OpenAI-compatible provider configured under
/// <c>Workflows:Models</c>) to answer <c>prompt</c>, streaming its text as <c>text_delta</c> events. The output is the
/// text, or with <c>json: true</c> the JSON value the model returned; usage and cost go to the completed event.
/// </summary>
[Block(TypeName, Description = "Asks a chat model to answer a prompt, streaming its text.")]
[BlockOption(PromptParameter, BlockOptionType.Template, Required = true, Description = "The user message.")]
[BlockOption(SystemParameter, BlockOptionType.Template, Description = "The system message.")]
[BlockOption(ProviderParameter, BlockOptionType.String, Description = "The configured provider to call (default: the default provider).")]
[BlockOption(ModelParameter, BlockOptionType.String, Description = "The model to call (default: the provider's model).")]
[BlockOption(TemperatureParameter, BlockOptionType.Number, Minimum = 0, Maximum = 2, Description = "Sampling temperature.")]
[BlockOption(MaxTokensParameter, BlockOptionType.Integer, Minimum = 1, Maximum = MaxTokensLimit, Description = "The most tokens to generate.")]
[BlockOption(JsonParameter, BlockOptionType.Boolean, Description = "Ask for a JSON answer and output the parsed value.")]
public sealed class GenerateTextBlock : IBlock
{
    /// <summary>The block type name.</summary>
    public const string TypeName = "generate_text";

    /// <summary>The user message (required template).</summary>
    public const string PromptParameter = "prompt";

    /// <summary>The system message (optional template).</summary>
    public const string SystemParameter = "system";

    /// <summary>The configured provider to call (optional; the default provider otherwise).</summary>
    public const string ProviderParameter = "provider";

    /// <summary>The model to call (optional; the provider's default model otherwise).</summary>
    public const string ModelParameter = "model";

    /// <summary>Sampling temperature, 0 to 2 (optional).</summary>
    public const string TemperatureParameter = "temperature";

    /// <summary>The most tokens to generate, 1 to 1,000,000 (optional).</summary>
    public const string MaxTokensParameter = "maxTokens";

    /// <summary>When true, asks for a JSON answer and outputs the parsed value (optional, default false).</summary>
    public const string JsonParameter = "json";

    /// <summary>The largest <see cref="MaxTokensParameter"/> accepted.</summary>
    public const int MaxTokensLimit = 1_000_000;

    private readonly TemplateRenderer _renderer;

    private readonly IChatClientProvider? _providers;

    /// <summary>Creates the block; without <paramref name="providers"/> (a host with no models configured) it fails when run.</summary>
    public GenerateTextBlock(TemplateRenderer renderer, IChatClientProvider? providers = null)
    {
        _renderer = renderer;
        _providers = providers;
    }

    /// <inheritdoc />
    public void Validate(BlockValidationContext context)
    {
        var prompt = Parameters.ValidateRequiredString(context, PromptParameter);
        Parameters.ValidateTemplate(context, _renderer, prompt, PromptParameter);
        var settings = Settings.Read(context.Block.Parameters, context.Error);
        if (settings.System is not null)
        {
            Parameters.ValidateTemplate(context, _renderer, settings.System, SystemParameter);
        }
    }

    /// <inheritdoc />
    public async Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken)
    {
        var definition = context.Definition;
        var prompt = Parameters.RequireString(definition, PromptParameter);
        var settings = Settings.Read(definition.Parameters, reason => throw new BlockException($"block '{definition.Id}': {reason}"));
        var providers = _providers
            ?? throw new BlockException("no model providers are available in this host");

        List<ChatMessage> messages = [];
        if (settings.System is not null)
        {
            messages.Add(new ChatMessage(ChatRole.System, await context.RenderAsync(settings.System, cancellationToken)));
        }

        messages.Add(new ChatMessage(ChatRole.User, await context.RenderAsync(prompt, cancellationToken)));
        var options = new ChatOptions
        {
            Temperature = settings.Temperature,
            MaxOutputTokens = settings.MaxTokens,
            ResponseFormat = settings.Json ? ChatResponseFormat.Json : null,
        };

        var client = GetClient(providers, settings);
        // The block's span (block generate_text) is the model call's span, in the GenAI conventions' words.
        var span = Activity.Current is { Source.Name: EngineTelemetry.Name, IsAllDataRequested: true } current ? current : null;
        span?.SetTag("gen_ai.operation.name", "chat");
        span?.SetTag("gen_ai.provider.name", client.Provider);
        span?.SetTag("gen_ai.request.model", client.Model);
        var text = new StringBuilder();
        UsageDetails? usage = null;
        var updates = 0;
        try
        {
            await foreach (var update in client.Client.GetStreamingResponseAsync(messages, options, cancellationToken))
            {
                updates++;
                foreach (var content in update.Contents)
                {
                    if (content is UsageContent { Details: { } details })
                    {
                        usage = details;
                    }
                }

                var chunk = update.Text;
                if (chunk.Length > 0)
                {
                    text.Append(chunk);
                    await context.EmitTextAsync(chunk, cancellationToken);
                }
            }
        }
        catch (ModelProviderException e)
        {
            throw new BlockException(e.Message, e);
        }

        // A provider that ignores "stream": true answers with one JSON body, which reads as an empty stream: without
        // this check the block would succeed with an empty text and no usage.
        if (updates == 0)
        {
            throw new BlockException(
                $"model provider '{client.Provider}' sent no streamed response; it must answer \"stream\": true requests with text/event-stream chunks");
        }

        var (inputTokens, outputTokens) = (usage?.InputTokenCount ?? 0, usage?.OutputTokenCount ?? 0);
        span?.SetTag("gen_ai.usage.input_tokens", inputTokens);
        span?.SetTag("gen_ai.usage.output_tokens", outputTokens);
        EngineTelemetry.RecordTokens(inputTokens, outputTokens);

        var answer = text.ToString();
        var output = settings.Json ? ParseJson(client.Provider, answer) : JsonValue.Create(answer);
        return new BlockResult(output) { Post = answer, Data = Report(client, usage, providers) };
    }

    private static ModelClient GetClient(IChatClientProvider providers, Settings settings)
    {
        try
        {
            return providers.GetClient(settings.Provider, settings.Model);
        }
        catch (ModelProviderException e)
        {
            throw new BlockException(e.Message, e);
        }
    }

    private static JsonObject Report(ModelClient client, UsageDetails? usage, IChatClientProvider providers)
    {
        var input = usage?.InputTokenCount ?? 0;
        var output = usage?.OutputTokenCount ?? 0;
        var total = usage?.TotalTokenCount ?? input + output;
        var cost = providers.FindPrice(client.Model)?.CostOf(input, output) ?? 0m;
        return new JsonObject
        {
            ["usage"] = new JsonObject { ["inputTokens"] = input, ["outputTokens"] = output, ["totalTokens"] = total },
            ["model"] = client.Model,
            ["provider"] = client.Provider,
            [Billing.DataKey] = Billing.Format(cost),
        };
    }

    // JSON mode asks for a JSON object, but some models still wrap it in a Markdown code fence.
    private static JsonNode? ParseJson(string provider, string answer)
    {
        var json = answer.Trim();
        if (json.StartsWith("```", StringComparison.Ordinal) && json.EndsWith("```", StringComparison.Ordinal) && json.Length >= 6)
        {
            var firstLine = json.IndexOf('\n', StringComparison.Ordinal);
            json = firstLine < 0 ? json[3..^3] : json[(firstLine + 1)..^3];
        }

        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            var excerpt = answer.Length <= 200 ? answer : answer[..200] + "…";
            throw new BlockException($"the model of provider '{provider}' did not return JSON: {excerpt}");
        }
    }

    /// <summary>The optional parameters, checked the same way at load time and at run time.</summary>
    private sealed record Settings(string? System, string? Provider, string? Model, float? Temperature, int? MaxTokens, bool Json)
    {
        public static Settings Read(JsonObject parameters, Action<string> fail) => new(
            OptionalString(parameters, SystemParameter, fail, allowEmpty: true),
            OptionalString(parameters, ProviderParameter, fail, allowEmpty: false),
            OptionalString(parameters, ModelParameter, fail, allowEmpty: false),
            (float?)OptionalNumber(parameters, TemperatureParameter, 0, 2, wholeNumber: false, fail),
            (int?)OptionalNumber(parameters, MaxTokensParameter, 1, MaxTokensLimit, wholeNumber: true, fail),
            OptionalBoolean(parameters, JsonParameter, fail) ?? false);

        private static JsonValue? Present(JsonObject parameters, string name, string expected, Action<string> fail)
        {
            if (!parameters.TryGetPropertyValue(name, out var node) || node is null)
            {
                return null;
            }

            if (node is not JsonValue value)
            {
                fail($"'{name}' must be {expected}");
                return null;
            }

            return value;
        }

        private static string? OptionalString(JsonObject parameters, string name, Action<string> fail, bool allowEmpty)
        {
            var value = Present(parameters, name, "a string", fail);
            if (value is null)
            {
                return null;
            }

            if (value.GetValueKind() != JsonValueKind.String)
            {
                fail($"'{name}' must be a string");
            }

            var text = value.GetValue<string>();
            if (!allowEmpty && string.IsNullOrWhiteSpace(text))
            {
                fail($"'{name}' must not be empty");
            }

            return text;
        }

        private static double? OptionalNumber(JsonObject parameters, string name, double min, double max, bool wholeNumber, Action<string> fail)
        {
            var kind = wholeNumber ? "a whole number" : "a number";
            var value = Present(parameters, name, kind, fail);
            if (value is null)
            {
                return null;
            }

            if (value.GetValueKind() != JsonValueKind.Number
                || !double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                || (wholeNumber && number != Math.Floor(number)))
            {
                fail($"'{name}' must be {kind}");
                return null;
            }

            if (number < min || number > max)
            {
                fail($"'{name}' must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString("#,0.##", CultureInfo.InvariantCulture)}");
            }

            return number;
        }

        private static bool? OptionalBoolean(JsonObject parameters, string name, Action<string> fail)
        {
            var value = Present(parameters, name, "true or false", fail);
            if (value is null)
            {
                return null;
            }

            var kind = value.GetValueKind();
            if (kind is not (JsonValueKind.True or JsonValueKind.False))
            {
                fail($"'{name}' must be true or false");
            }

            return kind == JsonValueKind.True;
        }
    }
}
