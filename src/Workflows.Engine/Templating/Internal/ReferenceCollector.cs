using Fluid.Ast;
using Fluid.Values;

namespace Workflows.Engine.Templating.Internal;

/// <summary>
/// Walks a parsed template for the root names it reads. Names the template defines itself (assign, capture, for
/// variables …) are not references. Slightly generous: a name assigned anywhere counts as defined everywhere.
/// </summary>
internal sealed class ReferenceCollector : AstVisitor
{
    private readonly HashSet<string> _roots = new(StringComparer.Ordinal);
    private readonly HashSet<string> _locals = new(StringComparer.Ordinal) { "forloop", "tablerowloop" };
    private readonly HashSet<string> _launchVariables = new(StringComparer.Ordinal);

    public static TemplateReferences Collect(Fluid.IFluidTemplate template)
    {
        var collector = new ReferenceCollector();
        collector.VisitTemplate(template);
        collector._roots.ExceptWith(collector._locals);
        collector._roots.Remove(LaunchVariableRewriter.Identifier);
        return collector._roots.Count == 0 && collector._launchVariables.Count == 0
            ? TemplateReferences.None
            : new TemplateReferences(collector._roots, collector._launchVariables);
    }

    protected override Expression VisitMemberExpression(MemberExpression memberExpression)
    {
        var segments = memberExpression.Segments;
        if (segments.Count > 0 && segments[0] is IdentifierSegment root)
        {
            _roots.Add(root.Identifier);
            if (root.Identifier == LaunchVariableRewriter.Identifier && segments.Count > 1 && GetName(segments[1]) is { } name)
            {
                _launchVariables.Add(name);
            }
        }

        // Indexer expressions (a[b]) are not visited by the base visitor.
        foreach (var segment in segments)
        {
            if (segment is IndexerSegment indexer)
            {
                Visit(indexer.Expression);
            }
        }

        return base.VisitMemberExpression(memberExpression);
    }

    internal static string? GetName(MemberSegment segment) => segment switch
    {
        IdentifierSegment identifier => identifier.Identifier,
        IndexerSegment { Expression: LiteralExpression { Value: StringValue value } } => value.ToStringValue(),
        _ => null,
    };

    protected override Statement VisitAssignStatement(AssignStatement assignStatement)
    {
        _locals.Add(assignStatement.Identifier);
        return base.VisitAssignStatement(assignStatement);
    }

    protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
    {
        _locals.Add(captureStatement.Identifier);
        return base.VisitCaptureStatement(captureStatement);
    }

    protected override Statement VisitForStatement(ForStatement forStatement)
    {
        _locals.Add(forStatement.Identifier);
        return base.VisitForStatement(forStatement);
    }

    protected override Statement VisitTableRowStatement(TableRowStatement tableRowStatement)
    {
        _locals.Add(tableRowStatement.Identifier);
        return base.VisitTableRowStatement(tableRowStatement);
    }

    protected override Statement VisitIncrementStatement(IncrementStatement incrementStatement)
    {
        _locals.Add(incrementStatement.Identifier);
        return base.VisitIncrementStatement(incrementStatement);
    }

    protected override Statement VisitDecrementStatement(DecrementStatement decrementStatement)
    {
        _locals.Add(decrementStatement.Identifier);
        return base.VisitDecrementStatement(decrementStatement);
    }
}
