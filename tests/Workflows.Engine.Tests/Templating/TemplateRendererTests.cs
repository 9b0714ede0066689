using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;
using Workflows.Engine.Templating;

namespace Workflows.Engine.Tests.Templating;

public sealed class TemplateRendererTests
{
    private readonly TemplateRenderer _renderer = new();

    private readonly JsonObject _launchVariables = new()
    {
        ["topic"] = "owls",
        ["tone"] = "friendly",
        ["nothing"] = null,
        ["settings"] = new JsonObject { ["depth"] = new JsonObject { ["level"] = 3 } },
        ["count"] = 1.5,
    };

    private readonly Dictionary<string, JsonNode?> _outputs = new()
    {
        ["prompt"] = "Write about owls",
        ["data"] = new JsonObject { ["title"] = "Owls", ["tags"] = new JsonArray("night", "bird"), ["n"] = 2 },
        ["list"] = new JsonArray(1, 2, 3),
        ["html"] = "<b>&\"é\"</b>",
        ["nil"] = null,
    };

    private string Render(string template) => _renderer.Render(template, _launchVariables, _outputs);

    [Fact]
    public void Render_LaunchVariableArrow_ReadsLaunchVariable() =>
        Assert.Equal("A friendly post about: owls", Render("A {{$launchVariables->tone}} post about: {{ $launchVariables->topic }}"));

    [Fact]
    public void Render_NestedLaunchVariable_ReadsMember() =>
        Assert.Equal("3", Render("{{$launchVariables->settings->depth->level}}"));

    [Fact]
    public void Render_LaunchVariableWithFilter_AppliesFilter() =>
        Assert.Equal("OWLS", Render("{{$launchVariables->topic | upcase}}"));

    [Fact]
    public void Render_LaunchVariableInTag_Works() =>
        Assert.Equal("yes", Render("{% if $launchVariables->tone == 'friendly' %}yes{% else %}no{% endif %}"));

    [Fact]
    public void Render_LaunchVariableWithDash_IsRead()
    {
        _launchVariables["due-date"] = "today";

        Assert.Equal("today", Render("{{ $launchVariables->due-date }}"));
        Assert.Equal(["due-date"], _renderer.GetReferences("{{$launchVariables->due-date}}").LaunchVariables);
    }

    [Fact]
    public void Render_ArrowInsideStringLiteral_IsLeftAlone() =>
        Assert.Equal("$launchVariables->topic", Render("{{ '$launchVariables->topic' }}"));

    [Fact]
    public void Render_ArrowOutsideTags_IsPlainText() =>
        Assert.Equal("$launchVariables->topic owls", Render("$launchVariables->topic {{$launchVariables->topic}}"));

    [Fact]
    public void Render_BlockOutput_ReadsOutput() => Assert.Equal("Write about owls!", Render("{{prompt}}!"));

    [Fact]
    public void Render_OutputMemberAndIndex_ReadsNestedValues() =>
        Assert.Equal("Owls night bird 2", Render("{{ data.title }} {{ data.tags[0] }} {{ data.tags.last }} {{ list[1] }}"));

    [Fact]
    public void Render_Filters_Work() =>
        Assert.Equal("WRITE ABOUT OWLS|x|night, bird|3", Render("{{ prompt | upcase }}|{{ nil | default: 'x' }}|{{ data.tags | join: ', ' }}|{{ list | size }}"));

    [Fact]
    public void Render_ForAndAssign_Work() =>
        Assert.Equal("1;2;3;done", Render("{% for n in list %}{{ n }};{% endfor %}{% assign word = 'done' %}{{ word }}"));

    [Fact]
    public void Render_ObjectAndArray_PrintCompactJson()
    {
        Assert.Equal("""{"title":"Owls","tags":["night","bird"],"n":2}""", Render("{{ data }}"));
        Assert.Equal("[1,2,3]", Render("{{list}}"));
        Assert.Equal("""{"level":3}""", Render("{{ $launchVariables->settings->depth }}"));
    }

    [Fact]
    public void Render_Numbers_UseInvariantCulture() => Assert.Equal("1.5", Render("{{ $launchVariables->count }}"));

    [Fact]
    public void Render_Html_IsNotEncoded() => Assert.Equal("<b>&\"é\"</b>", Render("{{ html }}"));

    [Fact]
    public void Render_JsonFilter_WritesJson() => Assert.Equal("""{"title":"Owls","tags":["night","bird"],"n":2}""", Render("{{ data | json }}"));

    [Fact]
    public void Render_UnknownOutput_Throws()
    {
        var e = Assert.Throws<BlockException>(() => Render("Hello {{ missing }}"));
        Assert.Equal("unknown variable 'missing' in template", e.Message);
    }

    [Fact]
    public void Render_UnknownOutputInCondition_Throws() =>
        Assert.Throws<BlockException>(() => Render("{% if missing %}x{% endif %}"));

    [Fact]
    public void Render_UndeclaredLaunchVariable_Throws()
    {
        var e = Assert.Throws<BlockException>(() => Render("{{$launchVariables->nope}}"));
        Assert.Equal("unknown variable '$launchVariables->nope' in template", e.Message);
    }

    [Fact]
    public void Render_NullLaunchVariable_RendersEmpty() => Assert.Equal("[]", Render("[{{$launchVariables->nothing}}]"));

    [Fact]
    public void Render_MissingMemberOfKnownOutput_RendersEmpty() => Assert.Equal("[]", Render("[{{ data.nope }}]"));

    [Fact]
    public void Render_UnknownFilter_Throws() =>
        Assert.Throws<BlockException>(() => Render("{{ prompt | no_such_filter }}"));

    [Fact]
    public void Render_NoTags_ReturnsTextAsIs() => Assert.Equal("plain } text {", Render("plain } text {"));

    [Fact]
    public void Render_RawBlock_KeepsArrowSyntax() =>
        Assert.Equal("{{$launchVariables->topic}}", Render("{% raw %}{{$launchVariables->topic}}{% endraw %}"));

    [Fact]
    public void Render_InvalidTemplate_ThrowsWithReason()
    {
        var e = Assert.Throws<BlockException>(() => Render("{% if prompt %}never closed"));
        Assert.StartsWith("invalid template: ", e.Message);
        Assert.Contains("endif", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void ValidateSyntax_ValidAndInvalid_ReturnsNullOrReason()
    {
        Assert.Null(_renderer.ValidateSyntax("{{ a | upcase }}"));
        Assert.StartsWith("invalid template:", _renderer.ValidateSyntax("{{ a | }}"));
    }

    [Fact]
    public void GetReferences_MixedTemplate_SeparatesOutputsAndLaunchVariables()
    {
        var references = _renderer.GetReferences(
            "{{ a.b[c] | append: d }}{% for item in e %}{{ item.x }}{{ forloop.index }}{% endfor %}" +
            "{% assign f = 'x' %}{{ f }}{{$launchVariables->topic}}{% if $launchVariables->tone->x %}{% endif %}");

        Assert.Equal(["a", "c", "d", "e"], references.Outputs.Order());
        Assert.Equal(["tone", "topic"], references.LaunchVariables.Order());
    }

    [Fact]
    public void GetReferences_PlainText_IsEmpty()
    {
        var references = _renderer.GetReferences("no tags here");
        Assert.Empty(references.Outputs);
        Assert.Empty(references.LaunchVariables);
    }

    [Theory]
    [InlineData("{{ shout }}", true)]
    [InlineData("{{shout}}", true)]
    [InlineData("{{ data.tags[0] }}", true)]
    [InlineData("{{$launchVariables->topic}}", true)]
    [InlineData(" {{ shout }}", false)]
    [InlineData("{{ shout }}!", false)]
    [InlineData("{{ shout | upcase }}", false)]
    [InlineData("{{ a }}{{ b }}", false)]
    [InlineData("shout", false)]
    public void IsSingleReference_Template_Detects(string template, bool expected) =>
        Assert.Equal(expected, _renderer.IsSingleReference(template));

    [Fact]
    public void RenderValue_SingleReference_ReturnsRawJsonCopy()
    {
        var result = _renderer.RenderValue(JsonValue.Create("{{ data }}"), _launchVariables, _outputs);

        Assert.True(JsonNode.DeepEquals(_outputs["data"], result));
        Assert.NotSame(_outputs["data"], result);
    }

    [Fact]
    public void RenderValue_NestedValue_RendersEveryString()
    {
        var value = JsonNode.Parse("""{"title":"{{ data.title }}!","n":"{{ data.n }}","list":"{{ list }}","keep":[true,1,"{{$launchVariables->topic}}"]}""");

        var result = _renderer.RenderValue(value, _launchVariables, _outputs);

        Assert.Equal("""{"title":"Owls!","n":2,"list":[1,2,3],"keep":[true,1,"owls"]}""", result!.ToJsonString());
    }

    [Fact]
    public void RenderValue_SizeOfArray_FallsBackToLiquid() =>
        Assert.Equal("3", _renderer.RenderValue(JsonValue.Create("{{ list.size }}"), _launchVariables, _outputs)!.GetValue<string>());

    [Fact]
    public void RenderValue_SingleUnknownReference_Throws() =>
        Assert.Throws<BlockException>(() => _renderer.RenderValue(JsonValue.Create("{{ missing }}"), _launchVariables, _outputs));

    [Fact]
    public void GetOrParse_SameSource_ReturnsCachedTemplate()
    {
        var first = _renderer.GetOrParse("{{ a }} and {{ b }}");
        var second = _renderer.GetOrParse("{{ a }} and {{ b }}");

        Assert.Same(first, second);
    }

    [Fact]
    public async Task Render_ConcurrentCallers_AllSucceed()
    {
        var tasks = Enumerable.Range(0, 32).Select(i => Task.Run(() =>
            _renderer.Render("{{ prompt }} #" + (i % 4), _launchVariables, _outputs)));

        var results = await Task.WhenAll(tasks);

        Assert.All(results, r => Assert.StartsWith("Write about owls #", r));
    }
}
