namespace Workflows.Security;

/// <summary>The names the service keeps its secrets under in an <see cref="Engine.Storage.ISecretStore"/>.</summary>
public static class SecretNames
{
    /// <summary>The token signing key (also the file name under <c>DATA_DIR/keys/</c>).</summary>
    public const string SigningKey = "signing.key";

    /// <summary>The prefix of an organisation's webhook secret.</summary>
    public const string WebhookPrefix = "webhooks/";

    /// <summary>The name of an organisation's webhook secret.</summary>
    public static string Webhook(string organizationId) => WebhookPrefix + organizationId;
}
