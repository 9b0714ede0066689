using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;
using Workflows.Tests.Shared;

namespace Workflows.Engine.Tests.Definitions;

/// <summary>The SPEC's example, verbatim, against the engine's real template, script and output blocks.</summary>
public class BlogExampleTests
{
    private const string MainFlow = """
        name: Write a post
        launchVariables:
          topic: { type: string, required: true, description: What to write about }
          tone:  { type: string, default: friendly }
        blocks:
          - id: prompt
            type: template
            text: "Assistant will write a {{$launchVariables->tone}} post about: {{$launchVariables->topic}}"
          - id: shout
            type: script                # JavaScript; earlier outputs are in scope by id
            code: "return prompt.toUpperCase();"
          - id: out
            type: output
            value: "{{shout}}"          # one value: `result` is this string
        """;

    [Fact]
    public void Parse_SpecBlogExample_LoadsWithRealBlocks()
    {
        var blocks = TestBlockServices.Library();

        var workflow = WorkflowParser.Parse("blog/main.flow", "main", MainFlow, blocks);

        Assert.Equal("Write a post", workflow.Title);
        Assert.Equal(["prompt", "shout", "out"], workflow.Blocks.Select(b => b.Id));
        Assert.Equal(["template", "script", "output"], workflow.Blocks.Select(b => b.Type));
        var topic = Assert.Single(workflow.LaunchVariables, v => v.Name == "topic");
        Assert.True(topic.Required);
        Assert.Equal("What to write about", topic.Description);
        var tone = Assert.Single(workflow.LaunchVariables, v => v.Name == "tone");
        Assert.False(tone.Required);
        Assert.Equal("friendly", tone.Default?.GetValue<string>());
        Assert.Equal("return prompt.toUpperCase();", workflow.Blocks[1].Parameters["code"]?.GetValue<string>());
        Assert.Empty(workflow.OutputVariables);
    }
}
