using System.Security.Cryptography;
using Workflows.Engine.Storage;

namespace Workflows.Security;

/// <summary>
/// Per-organisation webhook signing secrets in the Standard Webhooks form (<c>whsec_</c> + base64), kept in a secret
/// store (the database every node shares, or <c>DATA_DIR/keys/webhooks/</c>) and created on first use. Rotating keeps
/// the previous secret valid for an overlap period, during which deliveries carry a signature for each.
/// </summary>
/// <param name="store">Where the secrets are kept.</param>
/// <param name="time">Clock.</param>
/// <param name="importFrom">Where an older version kept them (the data dir): a secret found there and not in
/// <paramref name="store"/> is copied over once, so receivers keep their secret across the upgrade.</param>
public sealed class WebhookSecrets(ISecretStore store, TimeProvider time, ISecretStore? importFrom = null)
{
    /// <summary>The prefix of a Standard Webhooks secret.</summary>
    public const string Prefix = "whsec_";

    /// <summary>Secrets in files under <c>DATA_DIR/keys/webhooks/</c>.</summary>
    public WebhookSecrets(string dataDir, TimeProvider time)
        : this(new DataDirSecretStore(dataDir), time)
    {
    }

    /// <summary>The organisation's current secret, created if it has none.</summary>
    public async Task<string> CurrentAsync(string organizationId, CancellationToken cancellationToken) =>
        (await LoadAsync(organizationId, cancellationToken)).Value;

    /// <summary>The keys to sign with now: the current one, and the previous one while its overlap lasts.</summary>
    public async Task<IReadOnlyList<byte[]>> SigningKeysAsync(string organizationId, CancellationToken cancellationToken)
    {
        var state = await LoadAsync(organizationId, cancellationToken);
        var keys = new List<byte[]> { Decode(state.Value) };
        if (state.Previous is not null && state.PreviousValidUntil > time.GetUtcNow())
        {
            keys.Add(Decode(state.Previous));
        }

        return keys;
    }

    /// <summary>Makes a new current secret; the old one stays valid for <paramref name="overlap"/>. Returns the new secret.</summary>
    public async Task<string> RotateAsync(string organizationId, TimeSpan overlap, CancellationToken cancellationToken)
    {
        // Created (or imported) first, so the secret receivers may have seen is the one that stays valid.
        _ = await LoadAsync(organizationId, cancellationToken);
        var now = time.GetUtcNow();
        var rotated = await store.RotateSecretAsync(SecretNames.Webhook(Checked(organizationId)), NewSecret(), now + overlap, now, cancellationToken);
        return rotated.Value;
    }

    /// <summary>The raw key bytes of a <c>whsec_</c> secret.</summary>
    public static byte[] Decode(string secret) =>
        Convert.FromBase64String(secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret[Prefix.Length..] : secret);

    private async Task<StoredSecret> LoadAsync(string organizationId, CancellationToken cancellationToken)
    {
        var name = SecretNames.Webhook(Checked(organizationId));
        if (await store.GetSecretAsync(name, cancellationToken) is { } stored)
        {
            return stored;
        }

        var candidate = await ImportAsync(name, cancellationToken);
        candidate ??= new StoredSecret(name, NewSecret(), null, null, time.GetUtcNow());
        // Nodes may create it at the same moment: the first one stays, and everyone uses it.
        return await store.AddSecretAsync(candidate, cancellationToken);
    }

    private async Task<StoredSecret?> ImportAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return importFrom is null ? null : await importFrom.GetSecretAsync(name, cancellationToken);
        }
        catch (ArgumentException)
        {
            // An organisation id that cannot name a file never had a secret file to import.
            return null;
        }
    }

    private static string Checked(string organizationId)
    {
        ArgumentException.ThrowIfNullOrEmpty(organizationId);
        return organizationId;
    }

    private static string NewSecret() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
