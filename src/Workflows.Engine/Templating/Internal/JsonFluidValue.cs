using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fluid.Values;

namespace Workflows.Engine.Templating.Internal;

/// <summary>Converts JSON into Fluid values lazily: objects and arrays are wrapped, not copied.</summary>
internal static class JsonFluidValue
{
    public static FluidValue From(JsonNode? node) => node switch
    {
        null => NilValue.Instance,
        JsonObject obj => new JsonObjectFluidValue(obj),
        JsonArray array => new JsonArrayFluidValue(array),
        JsonValue value => FromValue(value),
        _ => NilValue.Instance,
    };

    private static FluidValue FromValue(JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return StringValue.Create(JsonText.GetString(value));
            case JsonValueKind.True:
                return BooleanValue.True;
            case JsonValueKind.False:
                return BooleanValue.False;
            case JsonValueKind.Number:
                if (value.TryGetValue(out decimal number))
                {
                    return NumberValue.Create(number);
                }

                var text = value.ToJsonString();
                return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number)
                    ? NumberValue.Create(number)
                    : StringValue.Create(text); // beyond decimal's range: keep the JSON text
            default:
                return NilValue.Instance;
        }
    }
}
