using Workflows.Engine.Storage.InMemory.Internal;

namespace Workflows.Engine.Storage.InMemory;

// Secrets (the signing key, webhook secrets): a dictionary by name.
public sealed partial class InMemoryStore : ISecretStore
{
    private readonly Dictionary<string, StoredSecret> _secrets = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<StoredSecret?> GetSecretAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Locked(name, static (store, name) => store._secrets.GetValueOrDefault(name), cancellationToken);
    }

    /// <inheritdoc />
    public Task<StoredSecret> AddSecretAsync(StoredSecret secret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentException.ThrowIfNullOrEmpty(secret.Name);
        ArgumentException.ThrowIfNullOrEmpty(secret.Value);
        return Locked(secret, static (store, secret) =>
        {
            if (!store._secrets.TryGetValue(secret.Name, out var stored))
            {
                stored = secret with { PreviousValidUntil = StoredTime.Of(secret.PreviousValidUntil), UpdatedAt = StoredTime.Of(secret.UpdatedAt) };
                store._secrets[secret.Name] = stored;
            }
            return stored;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<StoredSecret> RotateSecretAsync(
        string name, string value, DateTimeOffset previousValidUntil, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(value);
        return Locked((name, value, until: StoredTime.Of(previousValidUntil), now: StoredTime.Of(now)), static (store, request) =>
        {
            var next = store._secrets.TryGetValue(request.name, out var current)
                ? new StoredSecret(request.name, request.value, current.Value, request.until, request.now)
                : new StoredSecret(request.name, request.value, null, null, request.now);
            store._secrets[request.name] = next;
            return next;
        }, cancellationToken);
    }
}
