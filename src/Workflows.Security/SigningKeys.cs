using System.Security.Cryptography;
using System.Text;
using Workflows.Engine.Storage;

namespace Workflows.Security;

/// <summary>
/// The HS256 token signing key: taken from configuration when given, otherwise generated once into a secret store (the
/// database every node shares, or <c>DATA_DIR/keys/signing.key</c>) and reused on every start.
/// </summary>
public static class SigningKeys
{
    /// <summary>Minimum key length in bytes (HS256 needs at least 256 bits).</summary>
    public const int MinimumLength = 32;

    /// <summary>The key file's path under a data dir.</summary>
    public static string KeyPath(string dataDir) => Path.Combine(dataDir, "keys", SecretNames.SigningKey);

    /// <summary>
    /// The configured key (base64, or plain text of at least 32 bytes), or the data dir's key, created if missing.
    /// </summary>
    public static byte[] LoadOrCreate(string dataDir, string? configuredKey) =>
        // The data dir store does its file I/O synchronously and returns completed tasks.
        LoadOrCreateAsync(new DataDirSecretStore(dataDir), configuredKey, null, TimeProvider.System, CancellationToken.None)
            .GetAwaiter().GetResult();

    /// <summary>
    /// The configured key when given, else <paramref name="store"/>'s. When the store has none, the key of
    /// <paramref name="importFrom"/> (an older version's key file) is added to it, else a new random one: insert-if-absent
    /// then read back, so nodes starting at once all end up with the first one's key.
    /// </summary>
    public static async Task<byte[]> LoadOrCreateAsync(
        ISecretStore store, string? configuredKey, ISecretStore? importFrom, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        if (!string.IsNullOrEmpty(configuredKey))
        {
            return Decode(configuredKey, "Workflows:Auth:SigningKey");
        }

        var stored = await store.GetSecretAsync(SecretNames.SigningKey, cancellationToken);
        if (stored is null)
        {
            var candidate = importFrom is null ? null : await importFrom.GetSecretAsync(SecretNames.SigningKey, cancellationToken);
            if (candidate is not null)
            {
                _ = Decode(candidate.Value, "the imported key file");
            }

            candidate ??= new StoredSecret(
                SecretNames.SigningKey, Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)), null, null, time.GetUtcNow());
            stored = await store.AddSecretAsync(candidate with { UpdatedAt = time.GetUtcNow() }, cancellationToken);
        }

        return Decode(stored.Value.Trim(), "the stored signing key");
    }

    private static byte[] Decode(string text, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            key = Encoding.UTF8.GetBytes(text);
        }

        if (key.Length < MinimumLength)
        {
            throw new InvalidOperationException($"the signing key from {source} is shorter than {MinimumLength} bytes");
        }

        return key;
    }
}
