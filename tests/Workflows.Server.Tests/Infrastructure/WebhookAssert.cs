using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Security;

namespace Workflows.Server.Tests.Infrastructure;

/// <summary>Checks a received POST the way a receiver would: Standard Webhooks headers and a valid signature.</summary>
public static class WebhookAssert
{
    /// <summary>Asserts that the POST is signed with <paramref name="organization"/>'s current secret.</summary>
    public static void Signed(ServerFixture server, ReceivedCallback callback, string organization)
    {
        var secret = server.Services.GetRequiredService<WebhookSecrets>().CurrentAsync(organization, CancellationToken.None).GetAwaiter().GetResult();
        var timestamp = long.Parse(callback.Headers["webhook-timestamp"], CultureInfo.InvariantCulture);
        Assert.InRange(timestamp, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds());
        Assert.StartsWith("v1,", callback.Headers["webhook-signature"], StringComparison.Ordinal);
        Assert.True(
            WebhookSignature.Verify(callback.Headers["webhook-id"], timestamp, callback.Body, callback.Headers["webhook-signature"], secret),
            "the signature does not verify with the organisation's secret");
    }
}
