using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Workflows.Engine.Jobs;

namespace Workflows.Server.Api.Mapping;

/// <summary>
/// Converts between the engine's JSON (System.Text.Json nodes) and protobuf's Struct/Value.
/// Protobuf numbers are doubles, so integers above 2^53 lose precision: callers pass big ids as strings.
/// </summary>
internal static class ProtoJson
{
    private const int MaxDepth = 64;

    public static Value ToValue(JsonNode? node, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, $"value nested deeper than {MaxDepth} levels");
        }

        switch (node)
        {
            case null:
                return Value.ForNull();
            case JsonObject obj:
                return Value.ForStruct(ToStruct(obj, depth + 1));
            case JsonArray array:
                var list = new ListValue();
                foreach (var item in array)
                {
                    list.Values.Add(ToValue(item, depth + 1));
                }

                return new Value { ListValue = list };
            case JsonValue value:
                return value.GetValueKind() switch
                {
                    JsonValueKind.String => Value.ForString(value.GetValue<string>()),
                    JsonValueKind.Number => Value.ForNumber(ToDouble(value)),
                    JsonValueKind.True => Value.ForBool(true),
                    JsonValueKind.False => Value.ForBool(false),
                    _ => Value.ForNull(),
                };
            default:
                return Value.ForNull();
        }
    }

    public static Struct ToStruct(JsonObject obj, int depth = 0)
    {
        var result = new Struct();
        foreach (var (key, value) in obj)
        {
            result.Fields[key] = ToValue(value, depth);
        }

        return result;
    }

    public static JsonNode? ToNode(Value? value, int depth = 0)
    {
        if (value is null)
        {
            return null;
        }

        if (depth > MaxDepth)
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, $"value nested deeper than {MaxDepth} levels");
        }

        return value.KindCase switch
        {
            Value.KindOneofCase.StringValue => JsonValue.Create(value.StringValue),
            Value.KindOneofCase.NumberValue => NumberNode(value.NumberValue),
            Value.KindOneofCase.BoolValue => JsonValue.Create(value.BoolValue),
            Value.KindOneofCase.StructValue => ToObject(value.StructValue, depth + 1),
            Value.KindOneofCase.ListValue => new JsonArray(value.ListValue.Values.Select(v => ToNode(v, depth + 1)).ToArray()),
            _ => null,
        };
    }

    public static JsonObject ToObject(Struct? value, int depth = 0)
    {
        var result = new JsonObject();
        if (value is null)
        {
            return result;
        }

        foreach (var (key, field) in value.Fields)
        {
            result[key] = ToNode(field, depth);
        }

        return result;
    }

    /// <summary>A whole number that fits a long stays an integer (so "3" is not "3.0" in templates).</summary>
    private static JsonValue NumberNode(double number) =>
        number == Math.Floor(number) && Math.Abs(number) < 9.007199254740992E15
            ? JsonValue.Create((long)number)
            : JsonValue.Create(number);

    private static double ToDouble(JsonValue value) =>
        value.TryGetValue<double>(out var d) ? d : double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);
}
