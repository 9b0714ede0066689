using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Engine.Templating;

namespace Workflows.Blocks.Internal;

/// <summary>The <c>headers</c> and <c>query</c> maps of an <c>http_request</c> block: names to templates (or plain numbers and booleans).</summary>
internal static class HttpRequestMaps
{
    // RFC 9110 token characters, the only ones a header name may hold.
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>Refuses a map that is not an object of scalars, bad header names, and bad templates.</summary>
    public static void Validate(BlockValidationContext context, TemplateRenderer renderer, string parameter, bool isHeaders)
    {
        if (!context.Block.Parameters.TryGetPropertyValue(parameter, out var node) || node is null)
        {
            return;
        }

        if (node is not JsonObject map)
        {
            context.Error($"'{parameter}' must be a map of names to values");
            return;
        }

        foreach (var (name, value) in map)
        {
            if (name.Length == 0 || (isHeaders && name.AsSpan().ContainsAnyExcept(TokenChars)))
            {
                context.Error($"'{parameter}': '{name}' is not a valid {(isHeaders ? "header" : "parameter")} name");
            }

            if (value is not JsonValue scalar || scalar.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
            {
                context.Error($"'{parameter}.{name}' must be a string, number or boolean");
                return;
            }

            if (scalar.GetValueKind() == JsonValueKind.String)
            {
                Parameters.ValidateTemplate(context, renderer, scalar.GetValue<string>(), $"{parameter}.{name}");
            }
        }
    }

    /// <summary>The map's entries with their values rendered, in the order written.</summary>
    public static async Task<List<KeyValuePair<string, string>>> RenderAsync(BlockContext context, string parameter, CancellationToken cancellationToken)
    {
        var rendered = new List<KeyValuePair<string, string>>();
        if (!context.Definition.Parameters.TryGetPropertyValue(parameter, out var node) || node is not JsonObject map)
        {
            return rendered;
        }

        foreach (var (name, value) in map)
        {
            var text = value switch
            {
                null => null,
                JsonValue s when s.GetValueKind() == JsonValueKind.String => await context.RenderAsync(s.GetValue<string>(), cancellationToken),
                _ => value.ToJsonString(),
            };
            if (text is not null)
            {
                rendered.Add(new(name, text));
            }
        }

        return rendered;
    }
}
