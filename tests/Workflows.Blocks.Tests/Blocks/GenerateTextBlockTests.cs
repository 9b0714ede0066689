using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;
using Workflows.Blocks;
using Workflows.Blocks.Models;
using Workflows.Blocks.Tests.Fixtures;
using Workflows.Blocks.Tests.Models;
using Workflows.Engine.Diagnostics;
using Workflows.Engine.Templating;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Workflows.Tests.Shared;

namespace Workflows.Blocks.Tests.Blocks;

public sealed class GenerateTextBlockTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private FakeOpenAiServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private BlockTestFixture Fixture(string prompt, ModelOptions? options = null) =>
        new BlockTestFixture(
                TestBlockServices.Create<GenerateTextBlock>(ModelSetup.Provider(options ?? ModelSetup.Options(_server))),
                GenerateTextBlock.TypeName)
            .WithParameter("prompt", prompt);

    [Fact]
    public async Task ExecuteAsync_Prompt_SendsRenderedMessagesAndSettings()
    {
        var fixture = Fixture("Write about {{$launchVariables->topic}}")
            .WithLaunchVariable("topic", "otters")
            .WithOutput("style", "terse")
            .WithParameter("system", "Be {{style}}.")
            .WithParameter("model", "other-model")
            .WithParameter("temperature", 0.25)
            .WithParameter("maxTokens", 64);

        await fixture.ExecuteAsync();

        var request = Assert.Single(_server.Requests);
        Assert.Equal("Be terse.", request.Message("system"));
        Assert.Equal("Write about otters", request.Message("user"));
        Assert.Equal("other-model", request.Body["model"]!.GetValue<string>());
        Assert.Equal(0.25, request.Body["temperature"]!.GetValue<double>(), 5);
        // A local endpoint: the limit goes under the name Ollama and LM Studio read.
        Assert.Equal(64, request.Body["max_tokens"]!.GetValue<int>());
        Assert.Null(request.Body["max_completion_tokens"]);
        Assert.True(request.Body["stream"]!.GetValue<bool>());
        Assert.Null(request.Body["response_format"]);
    }

    [Fact]
    public async Task ExecuteAsync_LegacyMaxTokensOff_SendsMaxCompletionTokens()
    {
        var options = ModelSetup.Options(_server);
        options.Providers["local"].LegacyMaxTokens = false;

        await Fixture("hi", options).WithParameter("maxTokens", 10).ExecuteAsync();

        Assert.Equal(10, _server.Requests[0].Body["max_completion_tokens"]!.GetValue<int>());
        Assert.Null(_server.Requests[0].Body["max_tokens"]);
    }

    [Fact]
    public async Task ExecuteAsync_Stream_OutputIsTheConcatenatedDeltas()
    {
        _server.Chunks = ["Once", " upon", " a time"];
        var fixture = Fixture("Tell a story");

        var result = await fixture.ExecuteAsync();

        Assert.Equal(["Once", " upon", " a time"], fixture.TextDeltas);
        Assert.Equal("Once upon a time", result.Output!.GetValue<string>());
        Assert.Equal("Once upon a time", result.Post);
        Assert.False(result.IsWorkflowOutput);
    }

    [Fact]
    public async Task ExecuteAsync_Stream_FirstDeltaArrivesWhileTheBlockStillRuns()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.HoldAfterFirstChunk = release.Task;
        _server.Chunks = ["first", " second", " third"];
        var block = TestBlockServices.Create<GenerateTextBlock>(ModelSetup.Provider(ModelSetup.Options(_server)));
        var context = new SignalingBlockContext(new BlockTestFixture(block, GenerateTextBlock.TypeName).WithParameter("prompt", "go").Definition);

        var running = block.ExecuteAsync(context, CancellationToken.None);
        var first = await context.FirstDelta.Task.WaitAsync(Deadline);

        Assert.Equal("first", first);
        Assert.False(running.IsCompleted);
        release.SetResult();
        var result = await running.WaitAsync(Deadline);
        Assert.Equal(["first", " second", " third"], context.Deltas);
        Assert.Equal(string.Concat(context.Deltas), result.Output!.GetValue<string>());
    }

    [Fact]
    public async Task ExecuteAsync_InABlockSpan_RecordsGenAiAttributesAndTokenCounts()
    {
        _server.PromptTokens = 21;
        _server.CompletionTokens = 8;
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(EngineTelemetry.Name).AddInMemoryExporter(spans).Build();
        // Tests of this class run one at a time, and no other class runs this block: these are this call's tokens.
        var tokens = new System.Collections.Concurrent.ConcurrentBag<(string Direction, long Count)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == EngineTelemetry.Name && instrument.Name == "workflows.llm.tokens")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => tokens.Add(((string)tags[0].Value!, value)));
        listener.Start();

        // As the executor runs it: inside the block's span.
        using (EngineTelemetry.Source.StartActivity("block generate_text"))
        {
            await Fixture("hi").WithParameter("model", "other-model").ExecuteAsync();
        }

        var span = Assert.Single(spans);
        Assert.Equal("chat", span.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("other-model", span.GetTagItem("gen_ai.request.model"));
        Assert.Equal("local", span.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(21L, span.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(8L, span.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal(21, tokens.Where(t => t.Direction == "input").Sum(t => t.Count));
        Assert.Equal(8, tokens.Where(t => t.Direction == "output").Sum(t => t.Count));
    }

    [Fact]
    public async Task ExecuteAsync_PricedModel_ReportsUsageAndCost()
    {
        _server.PromptTokens = 1_000;
        _server.CompletionTokens = 500;
        var options = ModelSetup.Options(_server);
        options.Prices["test-model"] = new ModelPrice { InputPerMillion = 0.15m, OutputPerMillion = 0.60m };

        var result = await Fixture("hi", options).ExecuteAsync();

        var data = result.Data!;
        Assert.Equal(1_000, data["usage"]!["inputTokens"]!.GetValue<long>());
        Assert.Equal(500, data["usage"]!["outputTokens"]!.GetValue<long>());
        Assert.Equal(1_500, data["usage"]!["totalTokens"]!.GetValue<long>());
        Assert.Equal("test-model", data["model"]!.GetValue<string>());
        Assert.Equal("local", data["provider"]!.GetValue<string>());
        Assert.Equal("0.00045", data["billingCost"]!.GetValue<string>());
        Assert.True(_server.Requests[0].Body["stream_options"]?["include_usage"]?.GetValue<bool>());
    }

    [Fact]
    public async Task ExecuteAsync_UnpricedModel_CostsZero()
    {
        var result = await Fixture("hi").ExecuteAsync();

        Assert.Equal("0", result.Data!["billingCost"]!.GetValue<string>());
        Assert.Equal(17, result.Data!["usage"]!["totalTokens"]!.GetValue<long>());
    }

    [Fact]
    public async Task ExecuteAsync_JsonMode_AsksForJsonAndOutputsTheParsedValue()
    {
        _server.Chunks = ["{\"title\": ", "\"Otters\", \"tags\": [\"a\"]}"];

        var result = await Fixture("Give me JSON").WithParameter("json", true).ExecuteAsync();

        Assert.Equal("json_object", _server.Requests[0].Body["response_format"]?["type"]?.GetValue<string>());
        var output = Assert.IsType<JsonObject>(result.Output);
        Assert.Equal("Otters", output["title"]!.GetValue<string>());
        Assert.Equal("{\"title\": \"Otters\", \"tags\": [\"a\"]}", result.Post);
    }

    [Fact]
    public async Task ExecuteAsync_JsonModeInCodeFence_OutputsTheParsedValue()
    {
        _server.Chunks = ["```json\n{\"n\": 1}\n```"];

        var result = await Fixture("Give me JSON").WithParameter("json", true).ExecuteAsync();

        Assert.Equal(1, result.Output!["n"]!.GetValue<int>());
    }

    [Fact]
    public async Task ExecuteAsync_JsonModeButProse_FailsSayingNotJson()
    {
        _server.Chunks = ["Sure! Here is", " your answer."];

        var e = await Assert.ThrowsAsync<BlockException>(() => Fixture("Give me JSON").WithParameter("json", true).ExecuteAsync());

        Assert.Equal("the model of provider 'local' did not return JSON: Sure! Here is your answer.", e.Message);
    }

    [Fact]
    public async Task ExecuteAsync_ProviderIgnoresStream_FailsInsteadOfAnEmptyText()
    {
        _server.IgnoreStream = true;

        var e = await Assert.ThrowsAsync<BlockException>(() => Fixture("hi").ExecuteAsync());

        Assert.Equal(
            "model provider 'local' sent no streamed response; it must answer \"stream\": true requests with text/event-stream chunks", e.Message);
    }

    [Fact]
    public async Task ExecuteAsync_ProviderRateLimits_FailsWithItsMessage()
    {
        _server.FailNext(429, "Rate limit reached for requests");

        var e = await Assert.ThrowsAsync<BlockException>(() => Fixture("hi").ExecuteAsync());

        Assert.Equal("model provider 'local' returned 429: Rate limit reached for requests", e.Message);
    }

    [Fact]
    public async Task ExecuteAsync_ProviderEchoesTheKey_MessageHidesIt()
    {
        var options = ModelSetup.Options(_server);
        options.Providers["local"].ApiKey = "sk-secret-123";
        _server.FailNext(401, "Incorrect API key provided: sk-secret-123");

        var e = await Assert.ThrowsAsync<BlockException>(() => Fixture("hi", options).ExecuteAsync());

        Assert.Equal("model provider 'local' returned 401: Incorrect API key provided: ***", e.Message);
        Assert.Equal("Bearer sk-secret-123", _server.Requests[0].Authorization);
    }

    [Fact]
    public async Task ExecuteAsync_ServerErrorThenSuccess_IsRetried()
    {
        _server.FailNext(500, "overloaded");

        var result = await Fixture("hi", ModelSetup.Options(_server, maxRetries: 1)).ExecuteAsync();

        Assert.Equal("Hello, world", result.Output!.GetValue<string>());
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task ExecuteAsync_ServerErrorBeyondRetries_FailsWithItsMessage()
    {
        _server.FailNext(500, "overloaded", times: 2);

        var e = await Assert.ThrowsAsync<BlockException>(() => Fixture("hi", ModelSetup.Options(_server, maxRetries: 1)).ExecuteAsync());

        Assert.Equal("model provider 'local' returned 500: overloaded", e.Message);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task ExecuteAsync_ProviderStalls_FailsWithATimeout()
    {
        _server.Stall = true;

        var e = await Assert.ThrowsAsync<BlockException>(() => Fixture("hi", ModelSetup.Options(_server, timeoutSeconds: 1)).ExecuteAsync());

        Assert.Equal("model provider 'local' did not answer within 1 s", e.Message);
    }

    [Fact]
    public async Task ExecuteAsync_StreamStallsMidway_FailsWithATimeout()
    {
        _server.HoldAfterFirstChunk = new TaskCompletionSource().Task;
        var fixture = Fixture("hi", ModelSetup.Options(_server, timeoutSeconds: 1));

        var e = await Assert.ThrowsAsync<BlockException>(() => fixture.ExecuteAsync());

        Assert.Equal("model provider 'local' did not answer within 1 s", e.Message);
        Assert.Equal(["Hello"], fixture.TextDeltas);
    }

    [Fact]
    public async Task ExecuteAsync_Cancelled_AbortsTheCall()
    {
        _server.Stall = true;
        using var cancel = new CancellationTokenSource();
        var running = Fixture("hi").ExecuteAsync(cancel.Token);
        await _server.FirstRequest.WaitAsync(Deadline);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(Deadline));
    }

    [Fact]
    public async Task ExecuteAsync_UnknownProvider_FailsNamingIt()
    {
        var e = await Assert.ThrowsAsync<BlockException>(() => Fixture("hi").WithParameter("provider", "nowhere").ExecuteAsync());

        Assert.Equal("unknown model provider 'nowhere'", e.Message);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task ExecuteAsync_NoProviderService_FailsClearly()
    {
        // Built by hand: the container would hand it the library's provider.
        var fixture = new BlockTestFixture(new GenerateTextBlock(TemplateRenderer.Shared), GenerateTextBlock.TypeName).WithParameter("prompt", "hi");

        var e = await Assert.ThrowsAsync<BlockException>(() => fixture.ExecuteAsync());

        Assert.Equal("no model providers are available in this host", e.Message);
    }

    [Fact]
    public void Validate_AllParameters_Passes() =>
        Assert.Null(Fixture("{{a}} {{$launchVariables->x}}")
            .WithOutput("a", "1")
            .WithLaunchVariable("x", "2")
            .WithParameter("system", "Be {{a}}")
            .WithParameter("provider", "local")
            .WithParameter("model", "m")
            .WithParameter("temperature", 2)
            .WithParameter("maxTokens", 1_000_000)
            .WithParameter("json", false)
            .ValidationError());

    [Fact]
    public void Validate_MissingPrompt_Refuses() =>
        Assert.Equal("block 'this': 'prompt' is required", new BlockTestFixture(TestBlockServices.Create<GenerateTextBlock>()).ValidationError());

    [Theory]
    [InlineData("prompt", "{{ ghost }}", "block 'this': prompt: unknown variable 'ghost'")]
    [InlineData("system", "{{$launchVariables->nope}}", "block 'this': system: unknown variable '$launchVariables->nope' (not a declared launch variable)")]
    [InlineData("system", "{% if %}", null)]
    public void Validate_BadTemplate_Refuses(string parameter, string template, string? expected)
    {
        var fixture = Fixture("hi").WithParameter(parameter, template);

        var error = fixture.ValidationError();

        Assert.NotNull(error);
        if (expected is not null)
        {
            Assert.Equal(expected, error);
        }
    }

    public static TheoryData<string, JsonNode?, string> BadParameters => new()
    {
        { "temperature", 2.5, "block 'this': 'temperature' must be between 0 and 2" },
        { "temperature", -0.1, "block 'this': 'temperature' must be between 0 and 2" },
        { "temperature", "hot", "block 'this': 'temperature' must be a number" },
        { "maxTokens", 0, "block 'this': 'maxTokens' must be between 1 and 1,000,000" },
        { "maxTokens", 1_000_001, "block 'this': 'maxTokens' must be between 1 and 1,000,000" },
        { "maxTokens", 1.5, "block 'this': 'maxTokens' must be a whole number" },
        { "json", "yes", "block 'this': 'json' must be true or false" },
        { "provider", 3, "block 'this': 'provider' must be a string" },
        { "model", "", "block 'this': 'model' must not be empty" },
        { "system", new JsonObject(), "block 'this': 'system' must be a string" },
    };

    [Theory]
    [MemberData(nameof(BadParameters))]
    public void Validate_BadParameter_Refuses(string name, JsonNode? value, string expected) =>
        Assert.Equal(expected, Fixture("hi").WithParameter(name, value).ValidationError());
}
