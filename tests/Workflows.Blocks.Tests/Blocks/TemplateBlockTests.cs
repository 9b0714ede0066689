using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;
using Workflows.Blocks;
using Workflows.Blocks.Tests.Fixtures;
using Workflows.Tests.Shared;

namespace Workflows.Blocks.Tests.Blocks;

public sealed class TemplateBlockTests
{
    private static BlockTestFixture Fixture(string? text) =>
        new BlockTestFixture(TestBlockServices.Create<TemplateBlock>(), "template").WithParameter("text", text);

    [Fact]
    public async Task ExecuteAsync_SpecExample_RendersLaunchVariables()
    {
        var fixture = Fixture("Assistant will write a {{$launchVariables->tone}} post about: {{$launchVariables->topic}}")
            .WithLaunchVariable("topic", "owls")
            .WithLaunchVariable("tone", "friendly");

        var result = await fixture.ExecuteAsync();

        Assert.Equal("Assistant will write a friendly post about: owls", result.Output!.GetValue<string>());
        Assert.False(result.IsWorkflowOutput);
    }

    [Fact]
    public async Task ExecuteAsync_EarlierOutput_IsRendered()
    {
        var fixture = Fixture("{{ draft.title | upcase }}").WithOutput("draft", new JsonObject { ["title"] = "owls" });

        var result = await fixture.ExecuteAsync();

        Assert.Equal("OWLS", result.Output!.GetValue<string>());
    }

    [Fact]
    public async Task ExecuteAsync_MissingVariable_FailsTheBlock()
    {
        var e = await Assert.ThrowsAsync<BlockException>(() => Fixture("{{ nowhere }}").ExecuteAsync());

        Assert.Equal("unknown variable 'nowhere' in template", e.Message);
    }

    [Fact]
    public void Validate_KnownReferences_Passes() =>
        Assert.Null(Fixture("{{ a }} {{$launchVariables->x}}").WithOutput("a", "1").WithLaunchVariable("x", "2").ValidationError());

    [Fact]
    public void Validate_MissingText_Refuses() =>
        Assert.Equal("block 'this': 'text' is required", new BlockTestFixture(TestBlockServices.Create<TemplateBlock>()).ValidationError());

    [Fact]
    public void Validate_TextNotString_Refuses() =>
        Assert.Equal("block 'this': 'text' must be a string", new BlockTestFixture(TestBlockServices.Create<TemplateBlock>()).WithParameter("text", 5).ValidationError());

    [Fact]
    public void Validate_UnknownOutput_Refuses() =>
        Assert.Equal("block 'this': text: unknown variable 'ghost'", Fixture("{{ ghost }}").ValidationError());

    [Fact]
    public void Validate_OutputNotUpstream_RefusesAndSaysWhy() =>
        Assert.Contains("unknown variable 'later' (block 'later' does not always finish", Fixture("{{ later }}").ValidationError(["later"]));

    [Fact]
    public void Validate_UndeclaredLaunchVariable_Refuses() =>
        Assert.Equal(
            "block 'this': text: unknown variable '$launchVariables->nope' (not a declared launch variable)",
            Fixture("{{$launchVariables->nope}}").ValidationError());

    [Fact]
    public void Validate_BadSyntax_RefusesWithReason() =>
        Assert.StartsWith("block 'this': text: invalid template: ", Fixture("{% if %}").ValidationError());
}
