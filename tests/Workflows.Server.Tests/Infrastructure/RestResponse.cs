using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Workflows.Server.Tests.Infrastructure;

/// <summary>A REST answer read in full: status, content type and body text, with the body parsed on demand.</summary>
public sealed record RestResponse(HttpStatusCode Status, string? ContentType, string Text)
{
    /// <summary>The body as JSON (fails the test when it is not JSON).</summary>
    public JsonNode Json => JsonNode.Parse(Text) ?? throw new InvalidOperationException("the body is JSON null");

    /// <summary>The body as a JSON object.</summary>
    public JsonObject Object => Json.AsObject();

    public override string ToString() => $"{(int)Status} {Text}";
}

/// <summary>Small helpers that send real HTTP requests and read the answer in full.</summary>
public static class RestExtensions
{
    public static Task<RestResponse> GetJsonAsync(this HttpClient client, string path) =>
        client.SendJsonAsync(HttpMethod.Get, path, null);

    public static Task<RestResponse> PostJsonAsync(this HttpClient client, string path, JsonNode body) =>
        client.SendJsonAsync(HttpMethod.Post, path, body.ToJsonString());

    /// <summary>Sends <paramref name="rawBody"/> as is (null for no body) with a JSON content type.</summary>
    public static async Task<RestResponse> SendJsonAsync(this HttpClient client, HttpMethod method, string path, string? rawBody)
    {
        using var request = new HttpRequestMessage(method, path);
        if (rawBody is not null)
        {
            request.Content = new StringContent(rawBody, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new RestResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, text);
    }
}
