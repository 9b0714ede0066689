using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Workflows.Engine.Definitions.Internal;

/// <summary>
/// Reads one YAML (or JSON) document into YamlDotNet's representation model, so every node keeps its line, and
/// converts nodes to <see cref="JsonNode"/>s. Every problem becomes a <see cref="DefinitionException"/>.
/// </summary>
internal static class YamlDocument
{
    // Aliases can make a small file expand exponentially ("billion laughs"); no real definition comes near this.
    private const int MaxNodes = 200_000;

    private const string StrTag = "tag:yaml.org,2002:str";

    /// <summary>The root node, or null for an empty document.</summary>
    public static YamlNode? Load(string file, string text)
    {
        var parser = new TrackingParser(new Parser(new StringReader(text)));
        var stream = new YamlStream();
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            var reason = e.InnerException is { } inner && e.Message.Length == 0 ? inner.Message : e.Message;
            throw new DefinitionException(file, (int)e.Start.Line, $"invalid YAML: {reason}") { Column = (int)e.Start.Column };
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this (without a position) on some unterminated flow collections.
            throw new DefinitionException(file, parser.LastLine, "invalid YAML: unterminated '[' or '{' or a value that cannot be read here");
        }

        if (stream.Documents.Count > 1)
        {
            throw new DefinitionException(file, (int)stream.Documents[1].RootNode.Start.Line, "only one YAML document is allowed per file");
        }

        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
    }

    /// <summary>1-based line of a node.</summary>
    public static int LineOf(YamlNode node) => (int)node.Start.Line;

    /// <summary>Whether a scalar is a plain YAML null (<c>~</c>, <c>null</c>, empty).</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain } scalar && !IsStrTagged(scalar) && IsNullText(scalar.Value ?? "");

    /// <summary>Converts a node to JSON: plain scalars resolve to null, booleans and numbers; quoted ones stay strings.</summary>
    public static JsonNode? ToJson(string file, YamlNode node)
    {
        var budget = MaxNodes;
        return Convert(file, node, ref budget);
    }

    /// <summary>A <c>true</c>/<c>false</c> value; <paramref name="what"/> names it in the error.</summary>
    public static bool Flag(string file, YamlNode node, string what) => ToJson(file, node) switch
    {
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        _ => throw new DefinitionException(file, LineOf(node), $"'{what}' must be true or false"),
    };

    /// <summary>The text of a mapping key, which must be a scalar.</summary>
    public static string KeyText(string file, YamlNode key) => key is YamlScalarNode scalar
        ? scalar.Value ?? ""
        : throw new DefinitionException(file, LineOf(key), "mapping keys must be plain text");

    private static JsonNode? Convert(string file, YamlNode node, ref int budget)
    {
        if (--budget < 0)
        {
            throw new DefinitionException(file, LineOf(node), $"the document is too large (more than {MaxNodes} values, aliases included)");
        }

        switch (node)
        {
            case YamlScalarNode scalar:
                return ConvertScalar(scalar);
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                foreach (var child in sequence.Children)
                {
                    array.Add(Convert(file, child, ref budget));
                }

                return array;
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    obj[KeyText(file, key)] = Convert(file, value, ref budget);
                }

                return obj;
            default:
                throw new DefinitionException(file, LineOf(node), "unsupported YAML node");
        }
    }

    private static JsonValue? ConvertScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain || IsStrTagged(scalar))
        {
            return JsonValue.Create(text);
        }

        if (IsNullText(text))
        {
            return null;
        }

        switch (text)
        {
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (LooksNumeric(text))
        {
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            {
                return JsonValue.Create(integer);
            }

            if (!text.Contains('e', StringComparison.OrdinalIgnoreCase)
                && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var dec))
            {
                return JsonValue.Create(dec);
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
            {
                return JsonValue.Create(real);
            }
        }

        // Everything else, including .inf/.nan which JSON cannot hold, stays text.
        return JsonValue.Create(text);
    }

    private static bool IsStrTagged(YamlScalarNode scalar) =>
        !scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == StrTag;

    private static bool IsNullText(string text) => text is "" or "~" or "null" or "Null" or "NULL";

    // YAML 1.2 core schema numbers: [-+]?digits[.digits][e[-+]digits] (also ".5" and "5.").
    private static bool LooksNumeric(string text)
    {
        var i = 0;
        if (i < text.Length && (text[i] == '-' || text[i] == '+'))
        {
            i++;
        }

        var digits = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
            digits++;
        }

        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
                digits++;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            i++;
            if (i < text.Length && (text[i] == '-' || text[i] == '+'))
            {
                i++;
            }

            var exponent = 0;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
                exponent++;
            }

            if (exponent == 0)
            {
                return false;
            }
        }

        return i == text.Length;
    }

    /// <summary>Remembers where the last event ended, for errors YamlDotNet reports without a position.</summary>
    private sealed class TrackingParser(IParser inner) : IParser
    {
        public int LastLine { get; private set; } = 1;

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            var moved = inner.MoveNext();
            if (inner.Current is { } current)
            {
                LastLine = (int)current.End.Line;
            }

            return moved;
        }
    }
}
