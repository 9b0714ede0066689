namespace Workflows.Engine.Storage;

/// <summary>
/// Named secrets every node of a cluster shares through the store: the token signing key and the organisations'
/// webhook secrets. A secret has a current value and, after a rotation, the previous one with the time it stays valid
/// until. Implemented once per database and checked by the shared store test suite.
/// </summary>
public interface ISecretStore
{
    /// <summary>The secret stored under <paramref name="name"/>, or null.</summary>
    Task<StoredSecret?> GetSecretAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="secret"/> unless a secret with its name is stored already, and returns the one stored: of
    /// several nodes adding at once, every one gets the first one's secret.
    /// </summary>
    Task<StoredSecret> AddSecretAsync(StoredSecret secret, CancellationToken cancellationToken);

    /// <summary>
    /// In one step, makes <paramref name="value"/> the current value of <paramref name="name"/> and its current value the
    /// previous one, valid until <paramref name="previousValidUntil"/>; creates the secret (without a previous value) when
    /// there is none. Returns the secret as stored.
    /// </summary>
    Task<StoredSecret> RotateSecretAsync(string name, string value, DateTimeOffset previousValidUntil, DateTimeOffset now, CancellationToken cancellationToken);
}
