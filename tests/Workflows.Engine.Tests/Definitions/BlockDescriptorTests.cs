using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;
using Workflows.Engine.Execution;
using Workflows.Engine.Tests.Execution;
using Workflows.Engine.Tests.TestBlocks;

namespace Workflows.Engine.Tests.Definitions;

public class BlockDescriptorTests
{
    private static BlockRegistry Registry()
    {
        var services = new ServiceCollection().AddWorkflowEngine().AddBlock<GreetBlock>().AddBlock<StandInOutputBlock>();
        return services.BuildServiceProvider().GetRequiredService<BlockRegistry>();
    }

    private static WorkflowDefinition Parse(string blocks) =>
        WorkflowParser.Parse("t.flow", "main", "launchVariables:\n  who: string\nblocks:\n" + blocks, Registry());

    [Fact]
    public async Task AddBlock_BlockDefinedInTestAssembly_ParsesAndRuns()
    {
        var workflow = Parse("  - { id: greet, type: test-greet, name: \"{{$launchVariables->who}}\", times: 2, loud: true }\n");
        var executor = new WorkflowExecutor(Registry());
        var request = ExecutorHarness.Request(workflow, new JsonObject { ["who"] = "ada" });

        var observer = new RecordingObserver();

        var outcome = await executor.ExecuteAsync(request, observer, CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal("HELLO ADA HELLO ADA", observer.Results["greet"].Output!.GetValue<string>());
    }

    [Theory]
    [InlineData("{ id: g, type: test-greet, name: x, nmae: y }", "block 'g': unknown option 'nmae' for a 'test-greet' block (its options: loud, name, timeout, times)")]
    [InlineData("{ id: g, type: test-greet }", "block 'g': 'name' is required")]
    [InlineData("{ id: g, type: test-greet, name: [1] }", "block 'g': 'name' must be a string")]
    [InlineData("{ id: g, type: test-greet, name: x, loud: maybe }", "block 'g': 'loud' must be true or false")]
    public void Parse_OptionsAgainstDeclarations_RefusedNamingTheOption(string block, string reason)
    {
        var e = Assert.Throws<DefinitionException>(() => Parse("  - " + block + "\n"));

        Assert.Equal(reason, e.Reason);
        Assert.Equal(4, e.Line);
    }

    [Fact]
    public void OptionsSchema_DeclaredOptions_DescribeTypesRequiredAndLimits()
    {
        Assert.True(Registry().TryDescribe("test-greet", out var descriptor));

        var schema = descriptor.OptionsSchema();

        Assert.Equal("Greets someone.", schema["description"]!.GetValue<string>());
        Assert.Equal(["type", "name"], schema["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.False(schema["additionalProperties"]!.GetValue<bool>());
        var times = schema["properties"]!["times"]!;
        Assert.Equal("integer", times["type"]!.GetValue<string>());
        Assert.Equal(1, times["minimum"]!.GetValue<double>());
        Assert.Equal(3, times["maximum"]!.GetValue<double>());
        Assert.Equal("string", schema["properties"]!["name"]!["type"]!.GetValue<string>());
        Assert.Equal("test-greet", schema["properties"]!["type"]!["const"]!.GetValue<string>());
        Assert.True(descriptor.InProcess);
        Assert.False(descriptor.Waits);
    }

    [Fact]
    public void Describe_BlockWithoutDeclaredOptions_AcceptsAnyOption()
    {
        var registry = TestRegistry.Create();
        var workflow = WorkflowParser.Parse("t.flow", "main", "blocks: [{ id: a, type: test-echo, whatever: 1 }]", registry);

        Assert.Equal(1L, workflow.Blocks[0].Parameters["whatever"]!.GetValue<long>());
        Assert.True(registry.TryDescribe("test-echo", out var echo));
        Assert.True(echo.OptionsSchema()["additionalProperties"]!.GetValue<bool>());
    }

    [Fact]
    public void AddBlock_ClassWithoutAttribute_Refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddBlock<NotABlock>());

        Assert.Contains("no [Block] attribute", e.Message, StringComparison.Ordinal);
    }

    private sealed class NotABlock : IBlock
    {
        public void Validate(BlockValidationContext context) { }

        public Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
