using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;
using Workflows.Blocks.Net;
using Workflows.Blocks.Net.Internal;

namespace Workflows.Blocks.Internal;

/// <summary>The parameters of an <c>http_request</c> block that are not templates, read the same way at load and run time.</summary>
internal sealed record HttpRequestSettings(HttpMethod Method, TimeSpan Timeout, int Retries, long MaxResponseBytes)
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];

    /// <summary>Reads the settings; returns the problem with them, or null.</summary>
    public static string? TryRead(JsonObject parameters, OutboundOptions options, out HttpRequestSettings settings)
    {
        settings = new HttpRequestSettings(HttpMethod.Get, options.DefaultTimeout, 0, options.MaxResponseBytes);
        var method = HttpMethod.Get;
        if (parameters.TryGetPropertyValue(HttpRequestBlock.MethodParameter, out var methodNode) && methodNode is not null)
        {
            var name = IsString(methodNode) ? methodNode.GetValue<string>().Trim().ToUpperInvariant() : null;
            if (name is null || !Methods.Contains(name, StringComparer.Ordinal))
            {
                return $"'{HttpRequestBlock.MethodParameter}' must be one of {string.Join(", ", Methods)}";
            }

            method = HttpMethod.Parse(name);
        }

        var timeout = options.DefaultTimeout;
        if (parameters.TryGetPropertyValue(HttpRequestBlock.TimeoutParameter, out var timeoutNode) && timeoutNode is not null)
        {
            if (!IsString(timeoutNode) || !DurationParser.TryParse(timeoutNode.GetValue<string>(), out timeout) || timeout <= TimeSpan.Zero)
            {
                return $"'{HttpRequestBlock.TimeoutParameter}' must be a positive duration such as 500ms, 30s, 5m or PT5M";
            }
        }

        long retries = 0;
        if (parameters.TryGetPropertyValue(HttpRequestBlock.RetriesParameter, out var retriesNode) && retriesNode is not null
            && (!TryGetInteger(retriesNode, out retries) || retries < 0 || retries > OutboundRetries.MaxRetries))
        {
            return $"'{HttpRequestBlock.RetriesParameter}' must be a whole number from 0 to {OutboundRetries.MaxRetries}";
        }

        var maxBytes = options.MaxResponseBytes;
        if (parameters.TryGetPropertyValue(HttpRequestBlock.MaxResponseBytesParameter, out var maxNode) && maxNode is not null
            && (!TryGetInteger(maxNode, out maxBytes) || maxBytes < 1 || maxBytes > options.MaxResponseBytes))
        {
            return $"'{HttpRequestBlock.MaxResponseBytesParameter}' must be a whole number from 1 to {options.MaxResponseBytes.ToString(CultureInfo.InvariantCulture)} "
                + $"({OutboundOptions.SectionName}:MaxResponseBytes)";
        }

        settings = new HttpRequestSettings(method, timeout, (int)retries, maxBytes);
        return null;
    }

    /// <summary>A duration as people write it: <c>300ms</c>, <c>2s</c>, <c>1.5m</c>.</summary>
    public static string Format(TimeSpan duration) => duration switch
    {
        { TotalSeconds: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.###}ms"),
        { TotalMinutes: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.###}s"),
        { TotalHours: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMinutes:0.###}m"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalHours:0.###}h"),
    };

    private static bool IsString(JsonNode node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.String;

    private static bool TryGetInteger(JsonNode node, out long value)
    {
        value = 0;
        return node is JsonValue number && number.GetValueKind() == JsonValueKind.Number
            && long.TryParse(number.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }
}
