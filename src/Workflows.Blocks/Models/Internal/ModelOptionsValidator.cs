using Microsoft.Extensions.Options;

namespace Workflows.Blocks.Models.Internal;

/// <summary>Refuses model settings that cannot work, when the host starts and when configuration reloads.</summary>
internal sealed class ModelOptionsValidator : IValidateOptions<ModelOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelOptions options)
    {
        var errors = new List<string>();
        var section = ModelOptions.SectionName;
        if (!string.IsNullOrWhiteSpace(options.DefaultProvider) && !options.Providers.ContainsKey(options.DefaultProvider))
        {
            errors.Add($"{section}:DefaultProvider names provider '{options.DefaultProvider}', which is not configured");
        }

        foreach (var (provider, settings) in options.Providers)
        {
            if (!string.IsNullOrWhiteSpace(settings.Endpoint)
                && !(Uri.TryCreate(settings.Endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
            {
                errors.Add($"{section}:Providers:{provider}:Endpoint must be an http(s) URL");
            }

            if (settings.TimeoutSeconds <= 0)
            {
                errors.Add($"{section}:Providers:{provider}:TimeoutSeconds must be positive");
            }

            if (settings.MaxRetries is < 0 or > 10)
            {
                errors.Add($"{section}:Providers:{provider}:MaxRetries must be between 0 and 10");
            }
        }

        foreach (var (model, price) in options.Prices)
        {
            if (price is null || price.InputPerMillion < 0 || price.OutputPerMillion < 0)
            {
                errors.Add($"{section}:Prices:{model} must not be negative");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
