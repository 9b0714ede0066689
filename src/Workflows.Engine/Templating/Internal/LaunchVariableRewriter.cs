using System.Text;
using System.Text.RegularExpressions;

namespace Workflows.Engine.Templating.Internal;

/// <summary>
/// Turns the product's <c>$launchVariables-&gt;a-&gt;b</c> syntax into Liquid (<c>launchVariables["a"]["b"]</c>) inside
/// <c>{{ }}</c> and <c>{% %}</c>. Block ids can never be <c>launchVariables</c>, so the name is free to reserve.
/// </summary>
internal static partial class LaunchVariableRewriter
{
    public const string Identifier = "launchVariables";
    private const string Marker = "$" + Identifier;

    public static string Rewrite(string source)
    {
        if (!source.Contains(Marker, StringComparison.Ordinal))
        {
            return source;
        }

        var builder = new StringBuilder(source.Length);
        var i = 0;
        while (i < source.Length)
        {
            var open = source.IndexOf('{', i);
            if (open < 0 || open + 1 >= source.Length)
            {
                break;
            }

            var next = source[open + 1];
            if (next != '{' && next != '%')
            {
                builder.Append(source, i, open + 1 - i);
                i = open + 1;
                continue;
            }

            builder.Append(source, i, open - i);
            if (next == '%' && RawTag().Match(source, open) is { Success: true, Index: var rawIndex } && rawIndex == open)
            {
                // {% raw %} … {% endraw %} is literal text; copy it untouched.
                var end = EndRawTag().Match(source, open);
                var stop = end.Success ? end.Index + end.Length : source.Length;
                builder.Append(source, open, stop - open);
                i = stop;
                continue;
            }

            i = RewriteTag(source, open, next == '{' ? '}' : '%', builder);
        }

        if (i < source.Length)
        {
            builder.Append(source, i, source.Length - i);
        }

        return builder.ToString();
    }

    // Copies one tag starting at `open`, rewriting markers outside string literals; returns the index after it.
    private static int RewriteTag(string source, int open, char closeFirst, StringBuilder builder)
    {
        builder.Append(source, open, 2);
        var j = open + 2;
        var quote = '\0';
        while (j < source.Length)
        {
            var c = source[j];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }

                builder.Append(c);
                j++;
                continue;
            }

            if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == closeFirst && j + 1 < source.Length && source[j + 1] == '}')
            {
                builder.Append(source, j, 2);
                return j + 2;
            }
            else if (c == '$' && string.CompareOrdinal(source, j, Marker, 0, Marker.Length) == 0)
            {
                builder.Append(Identifier);
                j = RewritePath(source, j + Marker.Length, builder);
                continue;
            }

            builder.Append(c);
            j++;
        }

        return j;
    }

    private static int RewritePath(string source, int j, StringBuilder builder)
    {
        while (true)
        {
            var k = SkipSpaces(source, j);
            if (k + 1 >= source.Length || source[k] != '-' || source[k + 1] != '>')
            {
                return j;
            }

            k = SkipSpaces(source, k + 2);
            var start = k;
            while (k < source.Length && IsNameChar(source, k))
            {
                k++;
            }

            if (k == start)
            {
                // Leave the arrow in place so the parser reports it.
                return j;
            }

            builder.Append("[\"").Append(source, start, k - start).Append("\"]");
            j = k;
        }
    }

    private static bool IsNameChar(string source, int k)
    {
        var c = source[k];
        return char.IsLetterOrDigit(c) || c == '_' || (c == '-' && (k + 1 >= source.Length || source[k + 1] != '>'));
    }

    private static int SkipSpaces(string source, int k)
    {
        while (k < source.Length && char.IsWhiteSpace(source[k]))
        {
            k++;
        }

        return k;
    }

    [GeneratedRegex(@"\G\{%-?\s*raw\s*-?%\}")]
    private static partial Regex RawTag();

    [GeneratedRegex(@"\{%-?\s*endraw\s*-?%\}")]
    private static partial Regex EndRawTag();
}
