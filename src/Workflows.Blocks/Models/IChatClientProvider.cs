namespace Workflows.Blocks.Models;

/// <summary>
/// Chat clients for the providers configured in <see cref="ModelOptions"/>, cached per provider and model and rebuilt
/// when the configuration changes.
/// </summary>
public interface IChatClientProvider
{
    /// <summary>
    /// The client for <paramref name="model"/> (the provider's default model when null) of <paramref name="provider"/>
    /// (the default provider when null).
    /// </summary>
    /// <exception cref="ModelProviderException">The provider is unknown, or no model is named or configured.</exception>
    ModelClient GetClient(string? provider, string? model);

    /// <summary>The configured price of a model, or null when it has none.</summary>
    ModelPrice? FindPrice(string model);
}
