using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Workflows.Security;

namespace Workflows.Server.Delivery;

/// <summary>
/// A Standard Webhooks POST, as every delivery (callback or progress) is sent: JSON body, <c>webhook-id</c>,
/// <c>webhook-timestamp</c> and <c>webhook-signature</c> signed with the organisation's current (and, while a rotation
/// is fresh, previous) secret.
/// </summary>
internal static class WebhookRequest
{
    /// <summary>
    /// The request; <paramref name="webhookId"/> stays the same across retries, the timestamp and signature are made
    /// per attempt (receivers reject old timestamps).
    /// </summary>
    public static async Task<HttpRequestMessage> CreateAsync(
        string url, string webhookId, string payload, string organizationId, WebhookSecrets secrets, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var keys = await secrets.SigningKeysAsync(organizationId, cancellationToken);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var content = new StringContent(payload, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.TryAddWithoutValidation("webhook-id", webhookId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(
            "webhook-signature",
            WebhookSignature.Sign(webhookId, timestamp, payload, keys));
        return request;
    }
}
