using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Fluid;
using Fluid.Values;
using Workflows.Engine.Blocks;

namespace Workflows.Engine.Templating.Internal;

/// <summary>
/// The model a template renders against: a root name is a block output, or <c>launchVariables</c>. Names are
/// resolved on demand, so rendering costs nothing per output in scope, and an unknown name fails loudly.
/// </summary>
internal sealed class TemplateScope(JsonObject launchVariables, IReadOnlyDictionary<string, JsonNode?> outputs) : FluidValue
{
    public const string LaunchVariablesPrefix = "$launchVariables->";

    public override FluidValues Type => FluidValues.Object;

    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context) => new(Resolve(name));

    public FluidValue Resolve(string name)
    {
        if (name == LaunchVariableRewriter.Identifier)
        {
            return new JsonObjectFluidValue(launchVariables, LaunchVariablesPrefix);
        }

        if (outputs.TryGetValue(name, out var node))
        {
            return JsonFluidValue.From(node);
        }

        throw UnknownVariable(name);
    }

    public static BlockException UnknownVariable(string name) => new($"unknown variable '{name}' in template");

    public override bool Equals(FluidValue other) => ReferenceEquals(this, other);

    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    public override int GetHashCode() => 0;

    public override bool ToBooleanValue() => true;

    public override decimal ToNumberValue() => 0;

    public override string ToStringValue() => "";

    public override object ToObjectValue() => this;

    public override ValueTask WriteToAsync(TextWriter writer, TextEncoder encoder, CultureInfo cultureInfo) => default;
}
