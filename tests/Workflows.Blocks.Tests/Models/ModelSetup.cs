using Microsoft.Extensions.Logging.Abstractions;
using Workflows.Blocks.Models;
using Workflows.Blocks.Models.Internal;
using Workflows.Blocks.Tests.Fixtures;

namespace Workflows.Blocks.Tests.Models;

/// <summary>Model settings pointing at a <see cref="FakeOpenAiServer"/>, and the provider built from them.</summary>
public static class ModelSetup
{
    /// <summary>One provider, <c>local</c>, default model <c>test-model</c>, no retries unless asked.</summary>
    public static ModelOptions Options(FakeOpenAiServer server, int maxRetries = 0, int timeoutSeconds = 30)
    {
        var options = new ModelOptions { DefaultProvider = "local" };
        options.Providers["local"] = new ModelProviderOptions
        {
            Endpoint = server.Endpoint,
            Model = "test-model",
            MaxRetries = maxRetries,
            TimeoutSeconds = timeoutSeconds,
        };
        return options;
    }

    public static IChatClientProvider Provider(ModelOptions options) => Provider(new TestOptionsMonitor<ModelOptions>(options));

    internal static OpenAIChatClientProvider Provider(TestOptionsMonitor<ModelOptions> monitor) =>
        new(monitor, NullLogger<OpenAIChatClientProvider>.Instance);
}
