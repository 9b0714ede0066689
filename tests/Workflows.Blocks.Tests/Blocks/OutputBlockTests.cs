using System.Text.Json.Nodes;
using Workflows.Blocks;
using Workflows.Blocks.Tests.Fixtures;
using Workflows.Tests.Shared;

namespace Workflows.Blocks.Tests.Blocks;

public sealed class OutputBlockTests
{
    private static BlockTestFixture Fixture() => new(TestBlockServices.Create<OutputBlock>(), "output");

    [Fact]
    public async Task ExecuteAsync_SingleReference_OutputsRawValue()
    {
        var result = await Fixture().WithParameter("value", "{{shout}}").WithOutput("shout", "HELLO").ExecuteAsync();

        Assert.Equal("HELLO", result.Output!.GetValue<string>());
        Assert.True(result.IsWorkflowOutput);
        Assert.Equal("HELLO", result.Post);
    }

    [Fact]
    public async Task ExecuteAsync_ReferenceToObject_OutputsObjectAndJsonPost()
    {
        var result = await Fixture().WithParameter("value", "{{ data }}")
            .WithOutput("data", new JsonObject { ["a"] = 1 })
            .ExecuteAsync();

        Assert.Equal("""{"a":1}""", result.Output!.ToJsonString());
        Assert.Equal("""{"a":1}""", result.Post);
    }

    [Fact]
    public async Task ExecuteAsync_Variables_OutputsObjectOfRenderedValues()
    {
        var result = await Fixture()
            .WithParameter("variables", new JsonObject { ["title"] = "{{ a }}", ["body"] = "Body: {{ b }}", ["n"] = 3 })
            .WithOutput("a", "T")
            .WithOutput("b", "B")
            .ExecuteAsync();

        Assert.Equal("""{"title":"T","body":"Body: B","n":3}""", result.Output!.ToJsonString());
        Assert.True(result.IsWorkflowOutput);
        Assert.Equal("""{"title":"T","body":"Body: B","n":3}""", result.Post);
    }

    [Fact]
    public async Task ExecuteAsync_SameOutputTwice_DoesNotShareNodes()
    {
        var result = await Fixture()
            .WithParameter("variables", new JsonObject { ["x"] = "{{ data }}", ["y"] = "{{ data }}" })
            .WithOutput("data", new JsonObject { ["a"] = 1 })
            .ExecuteAsync();

        Assert.Equal("""{"x":{"a":1},"y":{"a":1}}""", result.Output!.ToJsonString());
    }

    [Fact]
    public void Validate_ValueWithKnownReference_Passes() =>
        Assert.Null(Fixture().WithParameter("value", "{{shout}}").WithOutput("shout", "x").ValidationError());

    [Fact]
    public void Validate_NeitherValueNorVariables_Refuses() =>
        Assert.Equal("block 'this': give exactly one of 'value' or 'variables'", Fixture().ValidationError());

    [Fact]
    public void Validate_BothValueAndVariables_Refuses() =>
        Assert.Equal(
            "block 'this': give exactly one of 'value' or 'variables'",
            Fixture().WithParameter("value", "x").WithParameter("variables", new JsonObject()).ValidationError());

    [Fact]
    public void Validate_VariablesNotAMap_Refuses() =>
        Assert.Equal("block 'this': 'variables' must be a map of names to values", Fixture().WithParameter("variables", "x").ValidationError());

    [Fact]
    public void Validate_UnknownReferenceInVariables_RefusesNamingTheKey() =>
        Assert.Equal(
            "block 'this': variables.body: unknown variable 'ghost'",
            Fixture().WithParameter("variables", new JsonObject { ["body"] = "{{ ghost }}" }).ValidationError());
}
