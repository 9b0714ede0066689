using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Workflows.Blocks.Internal;
using Workflows.Blocks.Net;
using Workflows.Blocks.Net.Internal;
using Workflows.Engine.Templating;

namespace Workflows.Blocks;

/// <summary>
/// <c>type: http_request</c> — calls a URL through the <see cref="OutboundGuard"/> and outputs
/// <c>{ status, headers, body }</c>; a JSON body is parsed. Non-2xx answers (after <c>retries</c>), refused
/// addresses, oversized bodies and timeouts fail the block.
/// </summary>
[Block(TypeName, Description = "Calls a URL through the outbound guard and outputs status, headers and body.")]
[BlockOption(MethodParameter, BlockOptionType.String, Description = "GET (default), POST, PUT, PATCH, DELETE or HEAD.")]
[BlockOption(UrlParameter, BlockOptionType.Template, Required = true, Description = "The URL.")]
[BlockOption(HeadersParameter, BlockOptionType.Object, Description = "Request headers: a map of name to template.")]
[BlockOption(QueryParameter, BlockOptionType.Object, Description = "Query parameters appended to the URL: a map of name to template.")]
[BlockOption(BodyParameter, BlockOptionType.Any, Description = "A string template sent as is, or an object or list sent as JSON.")]
[BlockOption(RetriesParameter, BlockOptionType.Integer, Minimum = 0, Maximum = 10, Description = "Retries after network errors, 408, 429 and 5xx (default 0).")]
[BlockOption(MaxResponseBytesParameter, BlockOptionType.Integer, Minimum = 1, Description = "The largest body to read.")]
[BlockOption(FailOnErrorParameter, BlockOptionType.Boolean, Description = "Whether a 4xx or 5xx answer fails the block (default true); false outputs it.")]
public sealed class HttpRequestBlock : IBlock
{
    /// <summary>The block type name.</summary>
    public const string TypeName = "http_request";

    /// <summary>GET (default), POST, PUT, PATCH, DELETE or HEAD.</summary>
    public const string MethodParameter = "method";

    /// <summary>The URL (required template).</summary>
    public const string UrlParameter = "url";

    /// <summary>Request headers: a map of name to template.</summary>
    public const string HeadersParameter = "headers";

    /// <summary>Query parameters appended to the URL, URL-encoded: a map of name to template.</summary>
    public const string QueryParameter = "query";

    /// <summary>The body: a string template sent as is, or an object/array sent as JSON.</summary>
    public const string BodyParameter = "body";

    /// <summary>How long the request may take, retries included (<c>500ms</c>, <c>30s</c>, <c>PT5M</c>).</summary>
    public const string TimeoutParameter = "timeout";

    /// <summary>Retries after network errors, 408, 429 and 5xx (0 to 10, default 0).</summary>
    public const string RetriesParameter = "retries";

    /// <summary>The largest body to read, at most <see cref="OutboundOptions.MaxResponseBytes"/>.</summary>
    public const string MaxResponseBytesParameter = "maxResponseBytes";

    /// <summary>Whether a 4xx or 5xx answer fails the block (default true); when false it is output like any other.</summary>
    public const string FailOnErrorParameter = "failOnError";

    private const int ErrorSnippetChars = 200;

    private readonly TemplateRenderer _renderer;
    private readonly OutboundOptions _options;

    private readonly IHttpClientFactory? _clients;

    /// <summary>
    /// Creates the block; it sends through the guarded client of <paramref name="clients"/> and, without it (a host
    /// that did not add outbound HTTP), fails when run.
    /// </summary>
    public HttpRequestBlock(TemplateRenderer renderer, IOptions<OutboundOptions> options, IHttpClientFactory? clients = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _renderer = renderer;
        _options = options.Value;
        _clients = clients;
    }

    /// <inheritdoc />
    public void Validate(BlockValidationContext context)
    {
        var parameters = context.Block.Parameters;
        var url = Parameters.ValidateRequiredString(context, UrlParameter);
        Parameters.ValidateTemplate(context, _renderer, url, UrlParameter);
        if (!url.Contains("{{", StringComparison.Ordinal) && !url.Contains("{%", StringComparison.Ordinal) && !IsHttpUrl(url))
        {
            context.Error($"'{UrlParameter}' must be an absolute http(s) URL");
        }

        HttpRequestMaps.Validate(context, _renderer, HeadersParameter, isHeaders: true);
        HttpRequestMaps.Validate(context, _renderer, QueryParameter, isHeaders: false);
        if (parameters.TryGetPropertyValue(BodyParameter, out var body))
        {
            Parameters.ValidateValue(context, _renderer, body, BodyParameter);
        }

        if (HttpRequestSettings.TryRead(parameters, _options, out _) is { } error)
        {
            context.Error(error);
        }
    }

    /// <inheritdoc />
    public async Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken)
    {
        var definition = context.Definition;
        if (HttpRequestSettings.TryRead(definition.Parameters, _options, out var settings) is { } error)
        {
            throw new BlockException($"block '{definition.Id}': {error}");
        }

        var clients = _clients
            ?? throw new BlockException($"block '{definition.Id}': no HTTP client is registered (the host must call AddWorkflowEngine)");

        // The schema checked the type at load time: absent or true fails on 4xx/5xx.
        var failOnError = definition.Parameters[FailOnErrorParameter] is not JsonValue flag || flag.GetValue<bool>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        using var request = await BuildRequestAsync(context, settings, cancellationToken);
        var target = request.RequestUri!;
        var host = target.IdnHost;
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var client = clients.CreateClient(OutboundGuard.HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode && failOnError)
            {
                var snippet = await HttpResponseReader.ReadBodyAsync(response.Content, ErrorSnippetChars * 4, truncate: true, host, timeout.Token);
                var text = HttpResponseReader.Decode(response.Content, snippet);
                throw new BlockException($"HTTP {(int)response.StatusCode} from {host}: {(text.Length <= ErrorSnippetChars ? text : text[..ErrorSnippetChars])}");
            }

            var bytes = await HttpResponseReader.ReadBodyAsync(response.Content, settings.MaxResponseBytes, truncate: false, host, timeout.Token);
            var body = HttpResponseReader.ToBody(response.Content, HttpResponseReader.Decode(response.Content, bytes));
            // Scheme, host and port only: paths and queries may carry keys.
            await context.LogAsync(
                $"{settings.Method} {target.GetLeftPart(UriPartial.Authority)} → {(int)response.StatusCode}, {bytes.Length} bytes in {(int)Stopwatch.GetElapsedTime(started).TotalMilliseconds} ms",
                cancellationToken);
            return new BlockResult(HttpResponseReader.ToOutput(response, body));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new BlockException($"{settings.Method} {host} timed out after {HttpRequestSettings.Format(settings.Timeout)}");
        }
        catch (HttpRequestException e)
        {
            throw OutboundRefusedException.Find(e) is { } refused
                ? new BlockException(refused.Message)
                : new BlockException($"{settings.Method} {host} failed: {e.Message}");
        }
    }

    private static async Task<HttpRequestMessage> BuildRequestAsync(BlockContext context, HttpRequestSettings settings, CancellationToken cancellationToken)
    {
        var parameters = context.Definition.Parameters;
        var url = await context.RenderAsync(Parameters.RequireString(context.Definition, UrlParameter), cancellationToken);
        var query = await HttpRequestMaps.RenderAsync(context, QueryParameter, cancellationToken);
        if (query.Count > 0)
        {
            var pairs = string.Join('&', query.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
            var fragment = url.IndexOf('#', StringComparison.Ordinal);
            var (head, tail) = fragment < 0 ? (url, "") : (url[..fragment], url[fragment..]);
            url = head + (head.Contains('?', StringComparison.Ordinal) ? (head.EndsWith('?') || head.EndsWith('&') ? "" : "&") : "?") + pairs + tail;
        }

        if (!IsHttpUrl(url))
        {
            throw new BlockException($"'{UrlParameter}' must be an absolute http(s) URL, got '{(url.Length <= 100 ? url : url[..100] + "…")}'");
        }

        var request = new HttpRequestMessage(settings.Method, url);
        var headers = await HttpRequestMaps.RenderAsync(context, HeadersParameter, cancellationToken);
        string? contentType = null;
        foreach (var (name, value) in headers)
        {
            if (value.Contains('\r', StringComparison.Ordinal) || value.Contains('\n', StringComparison.Ordinal))
            {
                throw new BlockException($"header '{name}' contains a line break");
            }

            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
            }
            else if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                // A content header (Content-Language …): it goes on the body, if there is one.
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (parameters.TryGetPropertyValue(BodyParameter, out var bodyNode) && bodyNode is not null)
        {
            var content = await BuildContentAsync(context, bodyNode, contentType, cancellationToken);
            foreach (var header in request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            {
                content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            request.Content?.Dispose();
            request.Content = content;
        }

        request.Options.Set(OutboundRetries.Retries, settings.Retries);
        request.Options.Set(OutboundRetries.OnRetry, line => context.LogAsync(line, cancellationToken));
        return request;
    }

    private static async Task<HttpContent> BuildContentAsync(BlockContext context, JsonNode body, string? contentType, CancellationToken cancellationToken)
    {
        string text;
        string defaultType;
        if (body is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            text = await context.RenderAsync(value.GetValue<string>(), cancellationToken);
            defaultType = "text/plain; charset=utf-8";
        }
        else
        {
            text = JsonText.Write(await context.RenderValueAsync(body, cancellationToken));
            defaultType = "application/json; charset=utf-8";
        }

        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        if (!content.Headers.TryAddWithoutValidation("Content-Type", contentType ?? defaultType))
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(defaultType);
        }

        return content;
    }

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
