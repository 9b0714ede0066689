using Workflows.Engine.Storage;
using Workflows.Security;

namespace Workflows.Server.Auth;

/// <summary>
/// Where the service keeps its secrets (the signing key, webhook secrets) and loads the signing key from. On SQLite and
/// PostgreSQL that is the database, so every node sharing it signs and checks with the same keys, with the data dir's
/// key files (from older versions) imported once; in memory it is the data dir, the only thing that survives a
/// restart. <c>Workflows:Auth:SigningKey</c>, when set, wins over the stored key.
/// </summary>
internal sealed class ServiceSecrets(ISecretStore store, ISecretStore? importFrom, string? configuredKey, TimeProvider time)
{
    private byte[]? _signingKey = string.IsNullOrEmpty(configuredKey)
        ? null
        : SigningKeys.LoadOrCreateAsync(store, configuredKey, null, time, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>The store secrets are kept in.</summary>
    public ISecretStore Store => store;

    /// <summary>Where an older version kept them, to import from, or null.</summary>
    public ISecretStore? ImportFrom => importFrom;

    /// <summary>The token signing key; read from the store at start (<see cref="LoadAsync"/>, before requests are served).</summary>
    public byte[] SigningKey => _signingKey
        ?? throw new InvalidOperationException("The signing key is read from the store at start, and the service has not started yet.");

    /// <summary>Reads (or, on the first start, creates) the signing key; the store must be initialised.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken) =>
        _signingKey ??= await SigningKeys.LoadOrCreateAsync(store, configuredKey, importFrom, time, cancellationToken);
}
