using System.Collections.Concurrent;

namespace Workflows.Engine.Jobs.Internal;

/// <summary>
/// The idempotency keys whose first request this node is still answering (starting the job and waiting for it). A
/// second request with such a key is refused rather than answered from a half-made response.
/// </summary>
internal sealed class InFlightKeys
{
    private readonly ConcurrentDictionary<(string Organization, string Key), string> _keys = new();

    /// <summary>
    /// Marks the key as being answered until the returned lease is disposed; throws <see cref="EngineErrorKind.Aborted"/>
    /// when the same request holds it, <see cref="EngineErrorKind.Unprocessable"/> when a different one does.
    /// </summary>
    public Lease Enter(string organizationId, string key, string fingerprint)
    {
        var id = (organizationId, key);
        while (true)
        {
            if (_keys.TryAdd(id, fingerprint))
            {
                return new Lease(this, id);
            }

            if (_keys.TryGetValue(id, out var other))
            {
                throw other == fingerprint
                    ? new EngineException(
                        EngineErrorKind.Aborted,
                        $"a request with idempotency key '{key}' is still being answered; retry once it is")
                    : IdempotencyErrors.DifferentRequest(key);
            }

            // The holder left between the two lookups: try again.
        }
    }

    /// <summary>Holds a key for one request; disposing frees it.</summary>
    public sealed class Lease(InFlightKeys owner, (string, string) id) : IDisposable
    {
        public void Dispose() => owner._keys.TryRemove(id, out _);
    }
}
