using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workflows.Blocks.Internal;

/// <summary>Reads a response of an <c>http_request</c> block: a capped body, its text, and the block's output object.</summary>
internal static class HttpResponseReader
{
    /// <summary>
    /// Reads at most <paramref name="limit"/> bytes. Past the limit it fails the block, or, when
    /// <paramref name="truncate"/>, stops and returns what it has (enough for an error message).
    /// </summary>
    public static async Task<byte[]> ReadBodyAsync(HttpContent content, long limit, bool truncate, string host, CancellationToken cancellationToken)
    {
        if (!truncate && content.Headers.ContentLength > limit)
        {
            throw TooLarge(host, limit);
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    if (!truncate)
                    {
                        throw TooLarge(host, limit);
                    }

                    buffer.Write(chunk, 0, (int)(limit - buffer.Length));
                    break;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    /// <summary>The body as text, in the response's charset (UTF-8 when it names none or one we do not know).</summary>
    public static string Decode(HttpContent content, byte[] body)
    {
        var encoding = Encoding.UTF8;
        if (content.Headers.ContentType?.CharSet is { Length: > 0 } charset)
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"'));
            }
            catch (ArgumentException)
            {
                // Unknown charset: UTF-8 is the best guess on today's web.
            }
        }

        using var reader = new StreamReader(new MemoryStream(body), encoding, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>True when the media type is JSON (<c>application/json</c>, <c>text/json</c>, <c>…+json</c>).</summary>
    public static bool IsJson(MediaTypeHeaderValue? contentType) =>
        contentType?.MediaType is { } media
        && (media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>The block's output: <c>status</c>, <c>headers</c> (lower-case names) and <c>body</c>.</summary>
    public static JsonObject ToOutput(HttpResponseMessage response, JsonNode? body)
    {
        var headers = new JsonObject();
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            headers[name.ToLowerInvariant()] = string.Join(", ", values);
        }

        return new JsonObject
        {
            ["status"] = (int)response.StatusCode,
            ["headers"] = headers,
            ["body"] = body,
        };
    }

    /// <summary>The body as the output carries it: parsed when JSON (text when it does not parse), else text.</summary>
    public static JsonNode? ToBody(HttpContent content, string text)
    {
        if (!IsJson(content.Headers.ContentType))
        {
            return JsonValue.Create(text);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    private static BlockException TooLarge(string host, long limit) => new(string.Create(
        CultureInfo.InvariantCulture,
        $"response from {host} is larger than {limit} bytes (raise the block's 'maxResponseBytes', up to Workflows:Outbound:MaxResponseBytes)"));
}
