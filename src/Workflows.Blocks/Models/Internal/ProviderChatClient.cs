using System.ClientModel;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using ChatCompletionOptions = OpenAI.Chat.ChatCompletionOptions;

namespace Workflows.Blocks.Models.Internal;

/// <summary>
/// Wraps a provider's client: turns its failures into <see cref="ModelProviderException"/>s that name the provider and
/// never show the API key; fails a call whose answer does not start, or stalls between two chunks, for longer than
/// the provider's timeout; and sends the token limit under the name the provider reads. The caller's own
/// cancellation passes through unchanged.
/// </summary>
internal sealed class ProviderChatClient(IChatClient inner, string provider, TimeSpan timeout, string? secret, bool legacyMaxTokens)
    : DelegatingChatClient(inner)
{
    private const int MaxMessageLength = 500;

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(timeout);
        try
        {
            return await base.GetResponseAsync(messages, Adapt(options), idle.Token);
        }
        catch (Exception e) when (Translate(e, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(timeout);
        var updates = base.GetStreamingResponseAsync(messages, Adapt(options), idle.Token).GetAsyncEnumerator(idle.Token);
        try
        {
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await updates.MoveNextAsync())
                    {
                        yield break;
                    }

                    update = updates.Current;
                }
                catch (Exception e) when (Translate(e, cancellationToken) is { } translated)
                {
                    throw translated;
                }

                // The timeout measures silence: every chunk starts it again.
                idle.CancelAfter(timeout);
                yield return update;
            }
        }
        finally
        {
            await updates.DisposeAsync();
        }
    }

    // The SDK writes MaxOutputTokens as max_completion_tokens, which Ollama and LM Studio ignore; they read max_tokens.
    private ChatOptions? Adapt(ChatOptions? options)
    {
        if (!legacyMaxTokens || options?.MaxOutputTokens is not { } limit)
        {
            return options;
        }

        var adapted = options.Clone();
        adapted.MaxOutputTokens = null;
        var previous = adapted.RawRepresentationFactory;
        adapted.RawRepresentationFactory = client =>
        {
            var raw = previous?.Invoke(client) as ChatCompletionOptions ?? new ChatCompletionOptions();
#pragma warning disable SCME0001 // JSON patching is the SDK's documented way to send fields it does not model.
            raw.Patch.Set("$.max_tokens"u8, limit);
#pragma warning restore SCME0001
            return raw;
        };
        return adapted;
    }

    private ModelProviderException? Translate(Exception e, CancellationToken cancellationToken) => e switch
    {
        ModelProviderException => null,
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        OperationCanceledException => new ModelProviderException(
            $"model provider '{provider}' did not answer within {timeout.TotalSeconds:0.###} s", e),
        ClientResultException { Status: > 0 } result => new ModelProviderException(
            $"model provider '{provider}' returned {result.Status}: {Redact(DescribeError(result))}", e),
        ClientResultException or HttpRequestException or IOException => new ModelProviderException(
            $"model provider '{provider}' could not be reached: {Redact(Innermost(e).Message)}", e),
        JsonException => new ModelProviderException($"model provider '{provider}' sent an answer that is not valid: {Redact(e.Message)}", e),
        _ => null,
    };

    // OpenAI-compatible servers answer {"error": {"message": "..."}}; some send {"error": "..."} or {"message": "..."}.
    private static string DescribeError(ClientResultException e)
    {
        string? body = null;
        try
        {
            body = e.GetRawResponse()?.Content?.ToString();
        }
        catch (InvalidOperationException)
        {
            // The body was not buffered; the exception's own message is all there is.
        }

        if (string.IsNullOrWhiteSpace(body))
        {
            return Shorten(e.GetRawResponse()?.ReasonPhrase is { Length: > 0 } reason ? reason : e.Message);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("error", out var error))
                {
                    if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message)
                        && message.ValueKind == JsonValueKind.String)
                    {
                        return Shorten(message.GetString()!);
                    }

                    if (error.ValueKind == JsonValueKind.String)
                    {
                        return Shorten(error.GetString()!);
                    }
                }

                if (root.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String)
                {
                    return Shorten(text.GetString()!);
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: show the text itself.
        }

        return Shorten(body);
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    private static string Shorten(string text)
    {
        text = text.Trim();
        return text.Length <= MaxMessageLength ? text : text[..MaxMessageLength] + "…";
    }

    // Some providers echo (part of) the key they refused; ours never leaves the process.
    private string Redact(string text) =>
        string.IsNullOrEmpty(secret) ? text : text.Replace(secret, "***", StringComparison.Ordinal);
}
