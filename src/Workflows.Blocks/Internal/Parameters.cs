using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;
using Workflows.Engine.Templating;

namespace Workflows.Blocks.Internal;

/// <summary>Reading and checking the parameters of the built-in blocks.</summary>
internal static class Parameters
{
    /// <summary>The string parameter <paramref name="name"/>, or null when absent or not a string.</summary>
    public static string? GetString(BlockDefinition block, string name) =>
        block.Parameters.TryGetPropertyValue(name, out var node) && node is JsonValue value
        && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : null;

    /// <summary>The string parameter <paramref name="name"/>; fails the block when it is missing.</summary>
    public static string RequireString(BlockDefinition block, string name) =>
        GetString(block, name) ?? throw new BlockException($"block '{block.Id}' needs a string parameter '{name}'");

    /// <summary>Refuses the definition unless <paramref name="name"/> is present and a string; returns it.</summary>
    public static string ValidateRequiredString(BlockValidationContext context, string name)
    {
        if (!context.Block.Parameters.TryGetPropertyValue(name, out var node) || node is null)
        {
            context.Error($"'{name}' is required");
        }

        var text = GetString(context.Block, name);
        if (text is null)
        {
            context.Error($"'{name}' must be a string");
        }

        return text!;
    }

    /// <summary>
    /// Refuses a template that does not parse, or that reads a block output not guaranteed to exist when this block
    /// runs, or an undeclared launch variable.
    /// </summary>
    public static void ValidateTemplate(BlockValidationContext context, TemplateRenderer renderer, string template, string where)
    {
        var syntax = renderer.ValidateSyntax(template);
        if (syntax is not null)
        {
            context.Error($"{where}: {syntax}");
        }

        var references = renderer.GetReferences(template);
        foreach (var name in references.Outputs)
        {
            if (context.UpstreamBlocks.Contains(name))
            {
                continue;
            }

            context.Error(context.AllBlocks.Contains(name)
                ? $"{where}: unknown variable '{name}' (block '{name}' does not always finish before this one; list it in 'after')"
                : $"{where}: unknown variable '{name}'");
        }

        foreach (var name in references.LaunchVariables)
        {
            if (!context.LaunchVariables.Contains(name))
            {
                context.Error($"{where}: unknown variable '$launchVariables->{name}' (not a declared launch variable)");
            }
        }
    }

    /// <summary>Checks every string inside a JSON value as a template.</summary>
    public static void ValidateValue(BlockValidationContext context, TemplateRenderer renderer, JsonNode? value, string where)
    {
        switch (value)
        {
            case JsonObject obj:
                foreach (var (key, item) in obj)
                {
                    ValidateValue(context, renderer, item, $"{where}.{key}");
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    ValidateValue(context, renderer, array[i], $"{where}[{i}]");
                }

                break;
            case JsonValue text when text.GetValueKind() == JsonValueKind.String:
                ValidateTemplate(context, renderer, text.GetValue<string>(), where);
                break;
        }
    }
}
