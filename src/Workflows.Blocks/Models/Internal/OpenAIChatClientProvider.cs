using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenAI;

namespace Workflows.Blocks.Models.Internal;

/// <summary>
/// Builds OpenAI SDK chat clients for the configured providers, one per provider and model, and builds a new one
/// when that provider's settings change.
/// </summary>
internal sealed class OpenAIChatClientProvider(IOptionsMonitor<ModelOptions> options, ILogger<OpenAIChatClientProvider> logger)
    : IChatClientProvider
{
    // Used when no key is configured: local servers (Ollama, llama.cpp …) ignore it, the SDK requires one.
    private const string NoKey = "none";

    private readonly ConcurrentDictionary<(string Provider, string Model), Entry> _clients = new();

    public ModelClient GetClient(string? provider, string? model)
    {
        var current = options.CurrentValue;
        var name = ResolveProviderName(current, provider);
        if (!current.Providers.TryGetValue(name, out var settings))
        {
            throw new ModelProviderException($"unknown model provider '{name}'");
        }

        model = string.IsNullOrWhiteSpace(model) ? settings.Model : model;
        if (string.IsNullOrWhiteSpace(model))
        {
            throw new ModelProviderException(
                $"no model given for provider '{name}': set 'model' on the block or {ModelOptions.SectionName}:Providers:{name}:Model");
        }

        var key = (name.ToUpperInvariant(), model);
        var snapshot = Snapshot.Of(settings);
        if (!_clients.TryGetValue(key, out var entry) || entry.Settings != snapshot)
        {
            entry = new Entry(snapshot, Create(name, model, settings));
            _clients[key] = entry;
        }

        return new ModelClient(name, model, entry.Client);
    }

    public ModelPrice? FindPrice(string model) =>
        options.CurrentValue.Prices.TryGetValue(model, out var price) ? price : null;

    private static string ResolveProviderName(ModelOptions current, string? provider)
    {
        if (!string.IsNullOrWhiteSpace(provider))
        {
            return provider;
        }

        if (!string.IsNullOrWhiteSpace(current.DefaultProvider))
        {
            return current.DefaultProvider;
        }

        return current.Providers.Count == 1
            ? current.Providers.Keys.First()
            : throw new ModelProviderException(current.Providers.Count == 0
                ? $"no model provider is configured (see {ModelOptions.SectionName}:Providers)"
                : $"no model provider named: set 'provider' on the block or {ModelOptions.SectionName}:DefaultProvider");
    }

    private ProviderChatClient Create(string name, string model, ModelProviderOptions settings)
    {
        var apiKey = settings.ApiKey;
        if (string.IsNullOrEmpty(apiKey) && !string.IsNullOrEmpty(settings.ApiKeyEnv))
        {
            apiKey = Environment.GetEnvironmentVariable(settings.ApiKeyEnv);
            if (string.IsNullOrEmpty(apiKey))
            {
                ModelLog.ApiKeyEnvMissing(logger, name, settings.ApiKeyEnv);
            }
        }

        var timeout = TimeSpan.FromSeconds(settings.TimeoutSeconds > 0 ? settings.TimeoutSeconds : 120);
        var clientOptions = new OpenAIClientOptions
        {
            NetworkTimeout = timeout,
            RetryPolicy = new ClientRetryPolicy(Math.Max(0, settings.MaxRetries)),
        };
        if (!string.IsNullOrWhiteSpace(settings.Endpoint))
        {
            clientOptions.Endpoint = ParseEndpoint(name, settings.Endpoint);
        }

        var client = new OpenAIClient(new ApiKeyCredential(string.IsNullOrEmpty(apiKey) ? NoKey : apiKey), clientOptions)
            .GetChatClient(model)
            .AsIChatClient();
        ModelLog.ClientCreated(logger, name, model, clientOptions.Endpoint?.Authority ?? "api.openai.com");
        var legacyMaxTokens = settings.LegacyMaxTokens ?? clientOptions.Endpoint is { Host: not "api.openai.com" };
        return new ProviderChatClient(client, name, timeout, apiKey, legacyMaxTokens);
    }

    private static Uri ParseEndpoint(string name, string endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new ModelProviderException($"model provider '{name}' has an endpoint that is not an http(s) URL");

    private sealed record Entry(Snapshot Settings, IChatClient Client);

    // Compared to the current settings on every call, so a configuration reload takes effect without a restart.
    private readonly record struct Snapshot(
        string? Endpoint, string? ApiKey, string? ApiKeyEnv, int TimeoutSeconds, int MaxRetries, bool? LegacyMaxTokens)
    {
        public static Snapshot Of(ModelProviderOptions o) => new(o.Endpoint, o.ApiKey, o.ApiKeyEnv, o.TimeoutSeconds, o.MaxRetries, o.LegacyMaxTokens);

        // A record prints its members; this one holds the key, so it prints nothing.
        public override string ToString() => nameof(Snapshot);
    }
}
