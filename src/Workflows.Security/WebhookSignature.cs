using System.Security.Cryptography;
using System.Text;

namespace Workflows.Security;

/// <summary>
/// Standard Webhooks signatures: <c>v1,</c> + base64 HMAC-SHA256 of <c>id.timestamp.body</c>, several separated by
/// spaces while a secret is being rotated.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The <c>webhook-signature</c> header value for a delivery.</summary>
    public static string Sign(string id, long timestamp, string body, IEnumerable<byte[]> keys)
    {
        var content = Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}");
        return string.Join(' ', keys.Select(key => "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content))));
    }

    /// <summary>Whether any <c>v1</c> signature of the header matches the secret (what a receiver checks).</summary>
    public static bool Verify(string id, long timestamp, string body, string header, string secret)
    {
        var expected = Sign(id, timestamp, body, [WebhookSecrets.Decode(secret)]);
        return header.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(candidate => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(candidate), Encoding.ASCII.GetBytes(expected)));
    }
}
