using Fluid;

namespace Workflows.Engine.Templating.Internal;

/// <summary>A template parsed once and shared by every render: its Fluid form, what it reads, and its shortcuts.</summary>
internal sealed class ParsedTemplate
{
    /// <summary>The Fluid template; null when the source has no tags and renders as itself.</summary>
    public IFluidTemplate? Template { get; init; }

    /// <summary>The source, for templates without tags.</summary>
    public required string Source { get; init; }

    public required TemplateReferences References { get; init; }

    /// <summary>Set when the whole template is one reference with no text, tags or filters around it.</summary>
    public TemplatePath? SingleReference { get; init; }
}
