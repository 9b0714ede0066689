using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fluid;
using Fluid.Ast;
using Fluid.Parser;
using Workflows.Engine.Blocks;
using Workflows.Engine.Caching;
using Workflows.Engine.Templating.Internal;

namespace Workflows.Engine.Templating;

/// <summary>
/// Renders Liquid templates (Fluid) against a job's launch variables (<c>{{$launchVariables->name}}</c>) and earlier
/// block outputs (<c>{{id}}</c>, <c>{{id.field}}</c>). A missing variable is an error, never an empty string.
/// Thread-safe; parsed templates are cached by source text. Register one instance as a singleton.
/// </summary>
public sealed class TemplateRenderer
{
    /// <summary>Statements a single render may execute (loops included) before it fails.</summary>
    public const int MaxSteps = 1_000_000;

    private static readonly FluidParser Parser = new();

    private readonly TemplateOptions _options;
    private readonly BoundedCache<ParsedTemplate> _cache;

    /// <summary>Creates a renderer whose parse cache holds the default <see cref="CacheOptions.TemplateBytes"/>.</summary>
    public TemplateRenderer()
        : this(new CacheOptions().TemplateBytes)
    {
    }

    /// <summary>Creates a renderer whose parse cache holds about <paramref name="maxCachedBytes"/>.</summary>
    public TemplateRenderer(long maxCachedBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCachedBytes);
        // Measured: a parsed template holds about 1 KB plus 16 bytes per source character (the key's 2 included).
        _cache = new BoundedCache<ParsedTemplate>(maxCachedBytes, static (source, _) => 1024 + (16L * source.Length));
        _options = new TemplateOptions
        {
            CultureInfo = CultureInfo.InvariantCulture,
            MaxSteps = MaxSteps,
            StrictFilters = true,
        };
        // The json filter writes through these options; its text goes to prompts, not HTML.
        _options.JsonSerializerOptions = new JsonSerializerOptions(_options.JsonSerializerOptions)
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
    }

    /// <summary>A renderer shared by code that is not given one (blocks created without services).</summary>
    public static TemplateRenderer Shared { get; } = new();

    /// <summary>
    /// Renders <paramref name="template"/> to text. Objects and arrays print as compact JSON, numbers in the
    /// invariant culture; nothing is HTML-encoded.
    /// </summary>
    /// <exception cref="BlockException">The template does not parse, or reads a variable that does not exist.</exception>
    public string Render(string template, JsonObject launchVariables, IReadOnlyDictionary<string, JsonNode?> outputs)
    {
        var parsed = GetOrParse(template);
        if (parsed.Template is null)
        {
            return parsed.Source;
        }

        var context = new TemplateContext(new TemplateScope(launchVariables, outputs), _options, allowModelMembers: true);
        try
        {
            return parsed.Template.Render(context, NullEncoder.Default);
        }
        catch (Exception e) when (e is not BlockException and not OperationCanceledException)
        {
            throw new BlockException($"template error: {e.Message}", e);
        }
    }

    /// <summary>
    /// Renders every string inside <paramref name="value"/>. A string that is exactly one reference
    /// (<c>{{ shout }}</c>) yields the referenced JSON value itself (a copy), not its text.
    /// </summary>
    /// <exception cref="BlockException">A template does not parse, or reads a variable that does not exist.</exception>
    public JsonNode? RenderValue(JsonNode? value, JsonObject launchVariables, IReadOnlyDictionary<string, JsonNode?> outputs)
    {
        switch (value)
        {
            case null:
                return null;
            case JsonObject obj:
                var renderedObject = new JsonObject();
                foreach (var (key, item) in obj)
                {
                    renderedObject[key] = RenderValue(item, launchVariables, outputs);
                }

                return renderedObject;
            case JsonArray array:
                var renderedArray = new JsonArray();
                foreach (var item in array)
                {
                    renderedArray.Add(RenderValue(item, launchVariables, outputs));
                }

                return renderedArray;
            case JsonValue text when text.GetValueKind() == System.Text.Json.JsonValueKind.String:
                var template = JsonText.GetString(text);
                var parsed = GetOrParse(template);
                if (parsed.SingleReference is { } path && path.TryResolve(launchVariables, outputs, out var raw))
                {
                    // A node can have one parent only; callers put the result into new objects.
                    return raw?.DeepClone();
                }

                return JsonValue.Create(Render(template, launchVariables, outputs));
            default:
                return value.DeepClone();
        }
    }

    /// <summary>Whether <paramref name="template"/> is exactly one reference, such as <c>{{ shout }}</c> or <c>{{ a.b[0] }}</c>.</summary>
    /// <exception cref="BlockException">The template does not parse.</exception>
    public bool IsSingleReference(string template) => GetOrParse(template).SingleReference is not null;

    /// <summary>The block outputs and launch variables <paramref name="template"/> reads, found without rendering it.</summary>
    /// <exception cref="BlockException">The template does not parse.</exception>
    public TemplateReferences GetReferences(string template) => GetOrParse(template).References;

    /// <summary>Why <paramref name="template"/> does not parse, or null when it does.</summary>
    public string? ValidateSyntax(string template)
    {
        try
        {
            GetOrParse(template);
            return null;
        }
        catch (BlockException e)
        {
            return e.Message;
        }
    }

    /// <summary>Estimated bytes the parse cache holds now.</summary>
    internal long CachedBytes => _cache.Bytes;

    internal ParsedTemplate GetOrParse(string template)
    {
        if (_cache.TryGetValue(template, out var parsed))
        {
            return parsed;
        }

        return _cache.Add(template, Parse(template));
    }

    private static ParsedTemplate Parse(string source)
    {
        if (!source.Contains("{{", StringComparison.Ordinal) && !source.Contains("{%", StringComparison.Ordinal))
        {
            return new ParsedTemplate { Source = source, References = TemplateReferences.None };
        }

        var liquid = LaunchVariableRewriter.Rewrite(source);
        if (!Parser.TryParse(liquid, out var template, out var error))
        {
            throw new BlockException($"invalid template: {FirstLine(error)}");
        }

        return new ParsedTemplate
        {
            Source = source,
            Template = template,
            References = ReferenceCollector.Collect(template),
            SingleReference = GetSingleReference(template),
        };
    }

    // Filters parse into a FilterExpression, so a bare MemberExpression means "no filters".
    private static TemplatePath? GetSingleReference(IFluidTemplate template) =>
        template is FluidTemplate { Statements: { Count: 1 } statements }
        && statements[0] is OutputStatement { Expression: MemberExpression member, Filters: null or { Count: 0 } }
            ? TemplatePath.TryCreate(member)
            : null;

    // Fluid appends "Source:" and the offending line; the position is enough for a one-line message.
    private static string FirstLine(string? error)
    {
        if (string.IsNullOrWhiteSpace(error))
        {
            return "syntax error";
        }

        var newline = error.IndexOfAny(['\r', '\n']);
        return (newline < 0 ? error : error[..newline]).Trim();
    }
}
