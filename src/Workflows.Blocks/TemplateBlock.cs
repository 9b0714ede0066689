using System.Text.Json.Nodes;
using Workflows.Blocks.Internal;
using Workflows.Engine.Templating;

namespace Workflows.Blocks;

/// <summary>
/// <c>type: template</c> — renders <c>text</c> (Liquid, with <c>{{$launchVariables->name}}</c> and <c>{{id}}</c>)
/// and outputs the resulting string.
/// </summary>
[Block("template", Description = "Renders a Liquid template and outputs the text.", InProcess = true)]
[BlockOption(TextParameter, BlockOptionType.Template, Required = true, Description = "The template to render.")]
public sealed class TemplateBlock : IBlock
{
    /// <summary>The template to render (required string).</summary>
    public const string TextParameter = "text";

    private readonly TemplateRenderer _renderer;

    /// <summary>Creates the block.</summary>
    public TemplateBlock(TemplateRenderer renderer) => _renderer = renderer;

    /// <inheritdoc />
    public void Validate(BlockValidationContext context)
    {
        var text = Parameters.ValidateRequiredString(context, TextParameter);
        Parameters.ValidateTemplate(context, _renderer, text, TextParameter);
    }

    /// <inheritdoc />
    public async Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken)
    {
        var text = Parameters.RequireString(context.Definition, TextParameter);
        var rendered = await context.RenderAsync(text, cancellationToken);
        return new BlockResult(JsonValue.Create(rendered));
    }
}
