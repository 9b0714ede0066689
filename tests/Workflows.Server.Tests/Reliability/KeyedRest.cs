using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Workflows.Server.Tests.Reliability;

/// <summary>A REST answer with its headers, for idempotency and limit tests that read <c>Retry-After</c>.</summary>
public sealed record KeyedResponse(HttpStatusCode Status, HttpResponseHeaders Headers, string Text)
{
    public JsonNode Json => JsonNode.Parse(Text) ?? throw new InvalidOperationException("the body is JSON null");

    public override string ToString() => $"{(int)Status} {Text}";
}

/// <summary>Sends REST requests with an optional <c>Idempotency-Key</c> header.</summary>
public static class KeyedRest
{
    public static async Task<KeyedResponse> PostWithKeyAsync(this HttpClient client, string path, JsonNode body, string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await SendAsync(client, request);
    }

    public static async Task<KeyedResponse> GetWithHeadersAsync(this HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(client, request);
    }

    private static async Task<KeyedResponse> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request);
        return new KeyedResponse(response.StatusCode, response.Headers, await response.Content.ReadAsStringAsync());
    }
}
