using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Fluid;
using Fluid.Values;

namespace Workflows.Engine.Templating.Internal;

/// <summary>A JSON array seen from Liquid: indexable, iterable, printed as compact JSON.</summary>
internal sealed class JsonArrayFluidValue(JsonArray array) : FluidValue
{
    public JsonArray Array { get; } = array;

    public override FluidValues Type => FluidValues.Array;

    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context) => new(name switch
    {
        "size" => NumberValue.Create(Array.Count),
        "first" => Array.Count > 0 ? JsonFluidValue.From(Array[0]) : NilValue.Instance,
        "last" => Array.Count > 0 ? JsonFluidValue.From(Array[^1]) : NilValue.Instance,
        _ => NilValue.Instance,
    });

    public override ValueTask<FluidValue> GetIndexAsync(FluidValue index, TemplateContext context)
    {
        var i = (int)index.ToNumberValue();
        if (i < 0)
        {
            i += Array.Count;
        }

        return new(i >= 0 && i < Array.Count ? JsonFluidValue.From(Array[i]) : NilValue.Instance);
    }

    public override IEnumerable<FluidValue> Enumerate(TemplateContext context)
    {
        foreach (var item in Array)
        {
            yield return JsonFluidValue.From(item);
        }
    }

    public override bool Contains(FluidValue value)
    {
        foreach (var item in Array)
        {
            if (JsonFluidValue.From(item).Equals(value))
            {
                return true;
            }
        }

        return false;
    }

    public override bool Equals(FluidValue other) => other switch
    {
        JsonArrayFluidValue a => JsonNode.DeepEquals(Array, a.Array),
        EmptyValue => Array.Count == 0,
        _ => other.Type == FluidValues.Blank && Array.Count == 0,
    };

    public override bool Equals(object? obj) => obj is FluidValue other && Equals(other);

    public override int GetHashCode() => Array.Count;

    public override bool ToBooleanValue() => true;

    public override decimal ToNumberValue() => 0;

    public override string ToStringValue() => JsonText.Write(Array);

    public override object ToObjectValue() => Array;

    public override ValueTask WriteToAsync(TextWriter writer, TextEncoder encoder, CultureInfo cultureInfo)
    {
        writer.Write(encoder.Encode(ToStringValue()));
        return default;
    }
}
