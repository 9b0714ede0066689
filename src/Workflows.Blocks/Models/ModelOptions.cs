namespace Workflows.Blocks.Models;

/// <summary>
/// Chat model providers by name, and the price table used to bill their usage; bound from <c>Workflows:Models</c>.
/// </summary>
public sealed class ModelOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Workflows:Models";

    /// <summary>The provider a block uses when it names none; may be omitted when exactly one provider is configured.</summary>
    public string? DefaultProvider { get; set; }

    /// <summary>OpenAI-compatible endpoints by provider name (compared without case, like configuration keys).</summary>
    public Dictionary<string, ModelProviderOptions> Providers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Prices by model id (compared without case); a model without a price costs nothing.</summary>
    public Dictionary<string, ModelPrice> Prices { get; } = new(StringComparer.OrdinalIgnoreCase);
}
