using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;
using Workflows.Blocks;
using Workflows.Engine.Definitions;
using Workflows.Blocks.Tests.Fixtures;
using Workflows.Tests.Shared;

namespace Workflows.Blocks.Tests.Blocks;

public sealed class ConditionBlockTests
{
    private static BlockTestFixture Fixture(string expression, JsonNode? then = null, JsonNode? otherwise = null) =>
        new BlockTestFixture(TestBlockServices.Create<ConditionBlock>(), "condition")
            { BlockId = "cond" }
            .WithParameter("if", expression)
            .WithParameter("then", then ?? new JsonArray("yes"))
            .WithParameter("else", otherwise ?? new JsonArray("no"));

    [Fact]
    public async Task ExecuteAsync_True_OutputsTrueAndSkipsElse()
    {
        var result = await Fixture("score > 5 && $launchVariables.mode === 'strict'")
            .WithOutput("score", 7)
            .WithLaunchVariable("mode", "strict")
            .ExecuteAsync();

        Assert.True(result.Output!.GetValue<bool>());
        Assert.Equal(["no"], result.Skip);
    }

    [Fact]
    public async Task ExecuteAsync_False_OutputsFalseAndSkipsThen()
    {
        var result = await Fixture("score > 5", new JsonArray("a", "b"), "c").WithOutput("score", 2).ExecuteAsync();

        Assert.False(result.Output!.GetValue<bool>());
        Assert.Equal(["a", "b"], result.Skip);
    }

    [Theory]
    [InlineData("''", false)]
    [InlineData("'text'", true)]
    [InlineData("0", false)]
    [InlineData("[]", true)]
    [InlineData("null", false)]
    [InlineData("list.length // trailing comment", true)]
    public async Task ExecuteAsync_JavaScriptTruthiness_DecidesBranch(string expression, bool expected)
    {
        var result = await Fixture(expression).WithOutput("list", new JsonArray(1)).ExecuteAsync();

        Assert.Equal(expected, result.Output!.GetValue<bool>());
    }

    [Fact]
    public async Task ExecuteAsync_ExpressionThrows_Fails()
    {
        var e = await Assert.ThrowsAsync<BlockException>(() => Fixture("missing.field").ExecuteAsync());

        Assert.Contains("missing is not defined", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Good_Passes() => Assert.Null(Fixture("x > 1").ValidationError(["yes", "no"]));

    [Fact]
    public void Validate_SyntaxError_Refuses() =>
        Assert.StartsWith("block 'cond': if: syntax error: ", Fixture("x >").ValidationError(["yes", "no"]), StringComparison.Ordinal);

    [Fact]
    public void Validate_UnknownBlock_Refuses() =>
        Assert.Equal("block 'cond': 'then' lists unknown block 'yes'", Fixture("x").ValidationError(["no"]));

    [Fact]
    public void Validate_BlockInBothBranches_Refuses() =>
        Assert.Equal(
            "block 'cond': block 'yes' is listed in both 'then' and 'else'",
            Fixture("x", new JsonArray("yes"), new JsonArray("yes", "no")).ValidationError(["yes", "no"]));

    [Fact]
    public void Validate_NoBranches_Refuses() =>
        Assert.Contains(
            "give 'then' or 'else'",
            new BlockTestFixture(TestBlockServices.Create<ConditionBlock>(), "condition").WithParameter("if", "true").ValidationError(),
            StringComparison.Ordinal);

    [Fact]
    public void Parse_BranchBlockNotAfterCondition_RefusesWithHint()
    {
        const string flow = """
            blocks:
              - id: start
                type: template
                text: "go"
              - id: cond
                type: condition
                if: "start === 'go'"
                then: [yes]
                else: [no]
              - id: yes
                type: template
                text: "yes"
              - id: no
                type: template
                after: [start]
                text: "no"
            """;

        var e = Assert.Throws<DefinitionException>(() => WorkflowParser.Parse("t.flow", "main", flow, TestBlockServices.Library()));

        Assert.Equal(
            "block 'cond': 'else' lists block 'no', which does not wait for this condition; add 'after: [cond]' to block 'no'",
            e.Reason);
    }

    [Fact]
    public void Parse_BranchBlocksAfterCondition_Loads()
    {
        const string flow = """
            blocks:
              - id: cond
                type: condition
                if: "true"
                then: yes
                else: [no]
              - id: yes
                type: template
                text: "yes"
              - id: no
                type: template
                after: [cond]
                text: "no"
              - id: out
                type: output
                after: [yes, no]
                value: "{{yes}}{{no}}"
            """;

        var workflow = WorkflowParser.Parse("t.flow", "main", flow, TestBlockServices.Library());

        Assert.Equal(4, workflow.Blocks.Count);
    }
}
