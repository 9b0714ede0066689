using System.Text.Json.Nodes;
using Fluid.Ast;
using Fluid.Values;

namespace Workflows.Engine.Templating.Internal;

/// <summary>
/// A template that is exactly one reference (<c>{{ a.b[0] }}</c>, <c>{{$launchVariables->x}}</c>) with constant
/// segments, so its raw JSON value can be read without rendering to text.
/// </summary>
internal sealed class TemplatePath
{
    private readonly string _root;
    private readonly bool _isLaunchVariable;
    private readonly object[] _segments; // string (member) or int (index)

    private TemplatePath(string root, bool isLaunchVariable, object[] segments)
    {
        _root = root;
        _isLaunchVariable = isLaunchVariable;
        _segments = segments;
    }

    public static TemplatePath? TryCreate(MemberExpression expression)
    {
        var segments = expression.Segments;
        if (segments.Count == 0 || segments[0] is not IdentifierSegment first)
        {
            return null;
        }

        var isLaunchVariable = first.Identifier == LaunchVariableRewriter.Identifier;
        var start = 1;
        var root = first.Identifier;
        if (isLaunchVariable)
        {
            if (segments.Count < 2 || ReferenceCollector.GetName(segments[1]) is not { } name)
            {
                return null;
            }

            root = name;
            start = 2;
        }

        var path = new object[segments.Count - start];
        for (var i = start; i < segments.Count; i++)
        {
            object? segment = segments[i] switch
            {
                IdentifierSegment identifier => identifier.Identifier,
                IndexerSegment { Expression: LiteralExpression { Value: StringValue value } } => value.ToStringValue(),
                IndexerSegment { Expression: LiteralExpression { Value: NumberValue number } } when number.IsInteger() =>
                    (int)number.ToNumberValue(),
                _ => null,
            };
            if (segment is null)
            {
                return null;
            }

            path[i - start] = segment;
        }

        return new TemplatePath(root, isLaunchVariable, path);
    }

    /// <summary>
    /// Reads the value. Returns false when Liquid would compute it instead (<c>size</c>, <c>first</c>, <c>last</c>),
    /// so the caller renders the text. A missing root is an error; a missing member is null.
    /// </summary>
    public bool TryResolve(JsonObject launchVariables, IReadOnlyDictionary<string, JsonNode?> outputs, out JsonNode? value)
    {
        if (_isLaunchVariable)
        {
            if (!launchVariables.TryGetPropertyValue(_root, out value))
            {
                throw TemplateScope.UnknownVariable(TemplateScope.LaunchVariablesPrefix + _root);
            }
        }
        else if (!outputs.TryGetValue(_root, out value))
        {
            throw TemplateScope.UnknownVariable(_root);
        }

        foreach (var segment in _segments)
        {
            switch (value, segment)
            {
                case (JsonObject obj, string name):
                    if (!obj.TryGetPropertyValue(name, out value))
                    {
                        if (name == "size")
                        {
                            return false;
                        }

                        value = null;
                        return true;
                    }

                    break;
                case (JsonArray array, int index):
                    index = index < 0 ? index + array.Count : index;
                    value = index >= 0 && index < array.Count ? array[index] : null;
                    break;
                case (JsonArray, string):
                case (JsonValue, "size"):
                    return false;
                default:
                    value = null;
                    return true;
            }
        }

        return true;
    }
}
