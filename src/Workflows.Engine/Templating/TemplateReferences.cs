namespace Workflows.Engine.Templating;

/// <summary>The root names a template reads, found without rendering it (used when a workflow is validated).</summary>
/// <param name="Outputs">Block ids read as <c>{{id}}</c>, <c>{{id.field}}</c> …</param>
/// <param name="LaunchVariables">Launch variable names read as <c>{{$launchVariables->name}}</c>.</param>
public sealed record TemplateReferences(IReadOnlySet<string> Outputs, IReadOnlySet<string> LaunchVariables)
{
    /// <summary>A template that reads nothing.</summary>
    public static TemplateReferences None { get; } = new(new HashSet<string>(), new HashSet<string>());
}
