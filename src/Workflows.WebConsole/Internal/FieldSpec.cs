using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Workflows.Contracts.V1;

namespace Workflows.WebConsole.Internal;

/// <summary>
/// One field of a generated form: a launch variable of a workflow, or a field of a <c>wait_for_signal</c> block's
/// schema (written in the same form). Forms are never hand-built per workflow.
/// </summary>
public sealed record FieldSpec(string Name, string Type, bool Required, string Description, Value? Default)
{
    private static readonly HashSet<string> FileTypes = new(StringComparer.Ordinal) { "image", "audio", "video", "document", "file" };

    public bool IsFile => FileTypes.Contains(Type);

    public bool IsBoolean => Type == "boolean";

    public bool IsNumber => Type is "number" or "integer";

    /// <summary>object, array and any are typed as JSON.</summary>
    public bool IsJson => Type is "object" or "array" or "any";

    public static FieldSpec From(LaunchVariable variable) =>
        new(variable.Name, variable.Type.Length == 0 ? "string" : variable.Type, variable.Required, variable.Description, variable.DefaultValue);

    /// <summary>The fields of a signal schema: <c>name: type</c> or <c>name: { type, required, description, default }</c>.</summary>
    public static IReadOnlyList<FieldSpec> FromSchema(Struct? schema)
    {
        if (schema is null)
        {
            return [];
        }

        return schema.Fields.Select(field => field.Value.KindCase switch
        {
            Value.KindOneofCase.StringValue => new FieldSpec(field.Key, field.Value.StringValue, false, "", null),
            Value.KindOneofCase.StructValue => FromSchemaObject(field.Key, field.Value.StructValue),
            _ => new FieldSpec(field.Key, "any", false, "", null),
        }).ToList();
    }

    private static FieldSpec FromSchemaObject(string name, Struct spec)
    {
        string Text(string key) => spec.Fields.TryGetValue(key, out var v) && v.KindCase == Value.KindOneofCase.StringValue ? v.StringValue : "";
        var required = spec.Fields.TryGetValue("required", out var r) && r.KindCase == Value.KindOneofCase.BoolValue && r.BoolValue;
        spec.Fields.TryGetValue("default", out var fallback);
        var type = Text("type");
        return new FieldSpec(name, type.Length == 0 ? "any" : type, required, Text("description"), fallback);
    }

    /// <summary>The default as the text a field starts with.</summary>
    public string InitialText() => Default?.KindCase switch
    {
        null or Value.KindOneofCase.None or Value.KindOneofCase.NullValue => "",
        Value.KindOneofCase.StringValue => Default.StringValue,
        Value.KindOneofCase.BoolValue => Default.BoolValue ? "true" : "false",
        Value.KindOneofCase.NumberValue => Default.NumberValue.ToString(CultureInfo.InvariantCulture),
        _ => ConsoleJson.Format(Default),
    };

    /// <summary>
    /// The value to send for <paramref name="text"/>, or null to leave the field out (empty and not required: the
    /// service applies the default). Throws <see cref="FormatException"/> naming the field when the text does not fit.
    /// </summary>
    public Value? Parse(string? text)
    {
        text ??= "";
        if (IsBoolean)
        {
            return Value.ForBool(text == "true");
        }

        if (text.Length == 0)
        {
            return Required ? throw new FormatException($"{Name}: a value is required") : null;
        }

        if (IsNumber)
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                || (Type == "integer" && number != Math.Floor(number)))
            {
                throw new FormatException($"{Name}: '{text}' is not {(Type == "integer" ? "an integer" : "a number")}");
            }

            return Value.ForNumber(number);
        }

        if (IsJson)
        {
            try
            {
                return Value.Parser.ParseJson(text);
            }
            catch (Google.Protobuf.InvalidJsonException e)
            {
                throw new FormatException($"{Name}: not valid JSON ({e.Message})", e);
            }
        }

        return Value.ForString(text);
    }
}
