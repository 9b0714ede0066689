using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;
using Workflows.Engine.Tests.TestBlocks;

namespace Workflows.Engine.Tests.Definitions;

public class WorkflowParserTests
{
    private const string Sample = """
        name: Sample
        description: Does things.
        launchVariables:
          topic: { type: string, required: true, description: What to write about }
          tone:  { type: string, default: friendly }
          count: integer
        blocks:
          - id: first
            type: test-echo
            value: "hello {{$launchVariables->topic}}"
          - id: second
            type: test-echo
            value: 42
          - id: out
            type: test-output
            value: "{{second}}"
        """;

    [Fact]
    public void Parse_YamlFlow_ReadsEverything()
    {
        var workflow = WorkflowParser.Parse("app/main.flow", "main", Sample, TestRegistry.Create());

        Assert.Equal("main", workflow.Name);
        Assert.Equal("Sample", workflow.Title);
        Assert.Equal("Does things.", workflow.Description);
        Assert.Equal(Sample, workflow.Source);
        Assert.Collection(
            workflow.LaunchVariables,
            v => Assert.Equal(new LaunchVariableDefinition("topic", "string", true, null, "What to write about"), v),
            v =>
            {
                Assert.Equal(("tone", "string", false), (v.Name, v.Type, v.Required));
                Assert.Equal("friendly", v.Default?.GetValue<string>());
            },
            v => Assert.Equal(new LaunchVariableDefinition("count", "integer", false, null, ""), v));
        Assert.Equal(["first", "second", "out"], workflow.Blocks.Select(b => b.Id));
        Assert.Equal([8, 11, 14], workflow.Blocks.Select(b => b.Line));
        Assert.All(workflow.Blocks, b => Assert.Null(b.After));
        Assert.Equal("hello {{$launchVariables->topic}}", Assert.Single(workflow.Blocks[0].Parameters).Value!.GetValue<string>());
        Assert.Equal(42, workflow.Blocks[1].Parameters["value"]!.GetValue<long>());
        Assert.Empty(workflow.OutputVariables);
    }

    [Fact]
    public void Parse_NoName_TitleIsWorkflowName()
    {
        var workflow = WorkflowParser.Parse("f", "draft", "blocks: [{ id: a, type: test-echo }]", TestRegistry.Create());

        Assert.Equal("draft", workflow.Title);
        Assert.Empty(workflow.LaunchVariables);
    }

    [Fact]
    public void Parse_JsonFlow_ReadsEverything()
    {
        const string json = """
            {
              "name": "From JSON",
              "launchVariables": { "n": { "type": "number", "default": 1.5 } },
              "blocks": [
                { "id": "a", "type": "test-echo", "value": { "x": [1, "2", true, null] } },
                { "id": "b", "type": "test-echo", "after": ["a"] }
              ]
            }
            """;

        var workflow = WorkflowParser.Parse("f.flow", "f", json, TestRegistry.Create());

        Assert.Equal("From JSON", workflow.Title);
        Assert.Equal(1.5m, workflow.LaunchVariables[0].Default!.GetValue<decimal>());
        Assert.Equal("""{"x":[1,"2",true,null]}""", workflow.Blocks[0].Parameters["value"]!.ToJsonString());
        Assert.Equal([5, 6], workflow.Blocks.Select(b => b.Line));
        Assert.Equal(["a"], workflow.Blocks[1].After!);
    }

    [Fact]
    public void Parse_ScalarResolution_PlainScalarsAreTypedQuotedStayText()
    {
        const string text = """
            blocks:
              - id: a
                type: test-echo
                n1: ~
                n2: null
                n3:
                t: true
                f: False
                i: -12
                d: 2.50
                e: 1e3
                q1: "true"
                q2: '12'
                s: hello world
                tagged: !!str 7
                list: [a, 1]
            """;

        var p = WorkflowParser.Parse("f", "f", text, TestRegistry.Create()).Blocks[0].Parameters;

        Assert.Equal(
            """{"n1":null,"n2":null,"n3":null,"t":true,"f":false,"i":-12,"d":2.50,"e":1000,"q1":"true","q2":"12","s":"hello world","tagged":"7","list":["a",1]}""",
            p.ToJsonString());
    }

    [Fact]
    public void Parse_OutputVariables_AreTheKeysOfOutputBlocks()
    {
        const string text = """
            blocks:
              - id: a
                type: test-echo
              - id: out1
                type: test-output
                variables: { title: "{{a}}", body: "{{a}}" }
              - id: out2
                type: test-output
                variables: { body: "{{a}}", extra: 1 }
            """;

        var workflow = WorkflowParser.Parse("f", "f", text, TestRegistry.Create());

        Assert.Equal(["title", "body", "extra"], workflow.OutputVariables);
    }

    [Fact]
    public void Parse_SequentialBlocks_UpstreamIsEverythingBefore()
    {
        const string text = """
            launchVariables: { topic: string }
            blocks:
              - { id: a, type: test-record }
              - { id: b, type: test-record }
              - { id: c, type: test-record }
            """;
        var registry = TestRegistry.Create();

        WorkflowParser.Parse("f", "f", text, registry);

        var seen = TestRegistry.Recorder(registry).Validated;
        Assert.Empty(seen["a"].UpstreamBlocks);
        Assert.Equal(["a"], seen["b"].UpstreamBlocks.Order());
        Assert.Equal(["a", "b"], seen["c"].UpstreamBlocks.Order());
        Assert.Equal(["a", "b", "c"], seen["c"].AllBlocks.Order());
        Assert.Equal(["topic"], seen["a"].LaunchVariables);
        Assert.Equal("f", seen["a"].File);
    }

    [Fact]
    public void Parse_AfterLists_UpstreamIsTransitive()
    {
        // a → (b, c in parallel) → d; e waits for nothing; f follows e implicitly.
        const string text = """
            blocks:
              - { id: a, type: test-record }
              - { id: b, type: test-record, after: a }
              - { id: c, type: test-record, after: [a] }
              - { id: d, type: test-record, after: [b, c] }
              - { id: e, type: test-record, after: [] }
              - { id: f, type: test-record }
            """;
        var registry = TestRegistry.Create();

        var workflow = WorkflowParser.Parse("f", "f", text, registry);

        var seen = TestRegistry.Recorder(registry).Validated;
        Assert.Equal(["a"], seen["b"].UpstreamBlocks);
        Assert.Equal(["a"], seen["c"].UpstreamBlocks);
        Assert.Equal(["a", "b", "c"], seen["d"].UpstreamBlocks.Order());
        Assert.Empty(seen["e"].UpstreamBlocks);
        Assert.Equal(["e"], seen["f"].UpstreamBlocks);
        Assert.Equal(["a"], workflow.Blocks[1].After!);
        Assert.Empty(workflow.Blocks[4].After!);
        Assert.Null(workflow.Blocks[5].After);
    }

    [Fact]
    public void Parse_BlockErrorFromValidate_NamesFileLineAndBlock()
    {
        const string text = """
            blocks:
              - id: ok
                type: test-echo
              - id: bad
                type: test-fail
                reject: true
            """;

        var e = Assert.Throws<DefinitionException>(() => WorkflowParser.Parse("app/main.flow", "main", text, TestRegistry.Create()));

        Assert.Equal(("app/main.flow", 4, "block 'bad': rejected on purpose"), (e.File, e.Line, e.Reason));
        Assert.Equal("app/main.flow:4: block 'bad': rejected on purpose", e.Message);
    }

    [Fact]
    public void Parse_BlockThrowsOtherException_BecomesDefinitionException()
    {
        const string text = "blocks:\n  - { id: x, type: test-fail, crash: true }\n";

        var e = Assert.Throws<DefinitionException>(() => WorkflowParser.Parse("f", "f", text, TestRegistry.Create()));

        Assert.Equal((2, "block 'x': crashed on purpose"), (e.Line, e.Reason));
    }

    [Fact]
    public void Parse_DefaultOfDeclaredType_IsCoerced()
    {
        const string text = """
            launchVariables:
              n: { type: integer, default: "3" }
              tags: { type: array, default: solo }
            blocks: [{ id: a, type: test-echo }]
            """;

        var variables = WorkflowParser.Parse("f", "f", text, TestRegistry.Create()).LaunchVariables;

        Assert.Equal(3, variables[0].Default!.GetValue<long>());
        Assert.Equal("""["solo"]""", variables[1].Default!.ToJsonString());
    }

    [Fact]
    public void Parse_Parameters_AreIndependentJson()
    {
        var workflow = WorkflowParser.Parse("f", "f", "blocks: [{ id: a, type: test-echo, value: { k: v } }]", TestRegistry.Create());

        Assert.IsType<JsonObject>(workflow.Blocks[0].Parameters["value"]);
        Assert.Null(workflow.Blocks[0].Parameters.Parent);
    }
}
