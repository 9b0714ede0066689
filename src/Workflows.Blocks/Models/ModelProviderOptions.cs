namespace Workflows.Blocks.Models;

/// <summary>One OpenAI-compatible chat endpoint (OpenAI, Ollama, vLLM, llama.cpp, LM Studio …).</summary>
public sealed class ModelProviderOptions
{
    /// <summary>The API's base URL, such as <c>http://127.0.0.1:11434/v1</c>; OpenAI's own when empty.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The API key. Prefer <see cref="ApiKeyEnv"/> so the key stays out of configuration files.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The name of an environment variable holding the API key (used when <see cref="ApiKey"/> is empty).</summary>
    public string? ApiKeyEnv { get; set; }

    /// <summary>The model used when a block names none.</summary>
    public string? Model { get; set; }

    /// <summary>How long to wait for the answer to start, and then between two streamed chunks, in seconds.</summary>
    public int TimeoutSeconds { get; set; } = 120;

    /// <summary>Retries of a request refused with 408, 429, 500, 502, 503 or 504, or that failed on the network (0 to 10).</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>
    /// Whether the token limit is sent as <c>max_tokens</c> (what Ollama and LM Studio read) rather than OpenAI's newer
    /// <c>max_completion_tokens</c>. Default: <c>max_tokens</c> for any endpoint but OpenAI's own.
    /// </summary>
    public bool? LegacyMaxTokens { get; set; }
}
