using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;
using Workflows.Blocks;
using Workflows.Blocks.Tests.Fixtures;
using Workflows.Tests.Shared;

namespace Workflows.Blocks.Tests.Blocks;

public sealed class ScriptBlockTests
{
    private static BlockTestFixture Fixture(string code) =>
        new BlockTestFixture(TestBlockServices.Create<ScriptBlock>(), "script").WithParameter("code", code);

    [Fact]
    public async Task ExecuteAsync_SpecExample_UppercasesPrompt()
    {
        var result = await Fixture("return prompt.toUpperCase();").WithOutput("prompt", "hello").ExecuteAsync();

        Assert.Equal("HELLO", result.Output!.GetValue<string>());
    }

    [Fact]
    public async Task ExecuteAsync_LaunchVariablesAndObjects_ReturnsObject()
    {
        var result = await Fixture("return { topic: $launchVariables.topic, n: data.items.length };")
            .WithLaunchVariable("topic", "owls")
            .WithOutput("data", new JsonObject { ["items"] = new JsonArray(1, 2) })
            .ExecuteAsync();

        Assert.Equal("""{"topic":"owls","n":2}""", result.Output!.ToJsonString());
    }

    [Fact]
    public async Task ExecuteAsync_Throw_FailsWithMessage()
    {
        var e = await Assert.ThrowsAsync<BlockException>(() => Fixture("throw new Error('nope');").ExecuteAsync());

        Assert.Equal("script error: nope (line 1)", e.Message);
    }

    [Fact]
    public void Validate_GoodCode_Passes() => Assert.Null(Fixture("return anything.at.all;").ValidationError());

    [Fact]
    public void Validate_SyntaxError_Refuses() =>
        Assert.Equal("block 'this': code: script syntax error: Unexpected token ';' (line 1)", Fixture("return 1 +;").ValidationError());

    [Fact]
    public void Validate_MissingCode_Refuses() =>
        Assert.Equal("block 'this': 'code' is required", new BlockTestFixture(TestBlockServices.Create<ScriptBlock>()).ValidationError());
}
