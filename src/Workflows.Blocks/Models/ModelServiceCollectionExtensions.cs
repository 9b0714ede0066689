using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Workflows.Blocks.Models.Internal;

namespace Workflows.Blocks.Models;

/// <summary>Registers the chat model providers that <c>generate_text</c> blocks call.</summary>
public static class ModelServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ModelOptions"/> (validated), and an <see cref="IChatClientProvider"/> building OpenAI-compatible
    /// clients from them. The host binds the options, e.g. from <see cref="ModelOptions.SectionName"/>.
    /// </summary>
    public static IServiceCollection AddModelProviders(this IServiceCollection services)
    {
        services.AddOptions<ModelOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelOptions>, ModelOptionsValidator>());
        services.TryAddSingleton<IChatClientProvider, OpenAIChatClientProvider>();
        return services;
    }
}
