using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Fluid;
using Fluid.Values;
using Workflows.Engine.Blocks;

namespace Workflows.Engine.Templating.Internal;

/// <summary>A JSON object seen from Liquid: members by name, printed as compact JSON.</summary>
/// <param name="obj">The object.</param>
/// <param name="strictPrefix">
/// When set, reading a missing member is an error naming <c>prefix + name</c> (used for the launch variables, where
/// a missing name is an undeclared variable, not an absent field).
/// </param>
internal sealed class JsonObjectFluidValue(JsonObject obj, string? strictPrefix = null) : FluidValue
{
    public JsonObject Object { get; } = obj;

    public override FluidValues Type => FluidValues.Dictionary;

    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context) => new(Get(name));

    public override ValueTask<FluidValue> GetIndexAsync(FluidValue index, TemplateContext context) =>
        new(Get(index.ToStringValue()));

    private FluidValue Get(string name)
    {
        if (Object.TryGetPropertyValue(name, out var node))
        {
            return JsonFluidValue.From(node);
        }

        if (strictPrefix is not null)
        {
            throw new BlockException($"unknown variable '{strictPrefix}{name}' in template");
        }

        return name == "size" ? NumberValue.Create(Object.Count) : NilValue.Instance;
    }

    public override IEnumerable<FluidValue> Enumerate(TemplateContext context)
    {
        // Liquid iterates a hash as [key, value] pairs.
        foreach (var (key, value) in Object)
        {
            yield return new ArrayValue([StringValue.Create(key), JsonFluidValue.From(value)]);
        }
    }

    public override bool Contains(FluidValue value) => Object.ContainsKey(value.ToStringValue());

    public override bool Equals(FluidValue other) => other switch
    {
        JsonObjectFluidValue o => JsonNode.DeepEquals(Object, o.Object),
        EmptyValue => Object.Count == 0,
        _ => other.Type == FluidValues.Blank && Object.Count == 0,
    };

    public override bool Equals(object? obj) => obj is FluidValue other && Equals(other);

    public override int GetHashCode() => Object.Count;

    public override bool ToBooleanValue() => true;

    public override decimal ToNumberValue() => 0;

    public override string ToStringValue() => JsonText.Write(Object);

    // Fluid (the json filter among others) reads a dictionary through IFluidIndexable.
    public override object ToObjectValue() => new Indexable(Object);

    public override ValueTask WriteToAsync(TextWriter writer, TextEncoder encoder, CultureInfo cultureInfo)
    {
        writer.Write(encoder.Encode(ToStringValue()));
        return default;
    }

    private sealed class Indexable(JsonObject obj) : IFluidIndexable
    {
        public int Count => obj.Count;

        public IEnumerable<string> Keys => obj.Select(p => p.Key);

        public bool TryGetValue(string name, out FluidValue value)
        {
            if (obj.TryGetPropertyValue(name, out var node))
            {
                value = JsonFluidValue.From(node);
                return true;
            }

            value = NilValue.Instance;
            return false;
        }
    }
}
