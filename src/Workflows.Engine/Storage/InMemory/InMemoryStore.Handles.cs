using Workflows.Engine.Storage.InMemory.Internal;

namespace Workflows.Engine.Storage.InMemory;

// Handles (poll tokens, MCP request ids, uploads): a dictionary, forgetting expired entries on each put.
public sealed partial class InMemoryStore
{
    /// <inheritdoc />
    public Task PutHandleAsync(Handle handle, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentException.ThrowIfNullOrEmpty(handle.Key);
        return Locked((handle: handle with { ExpiresAt = StoredTime.Of(handle.ExpiresAt) }, now: StoredTime.Of(now)), static (store, request) =>
        {
            foreach (var (key, stored) in store._handles.ToList())
            {
                if (stored.ExpiresAt <= request.now)
                {
                    store._handles.Remove(key);
                }
            }
            store._handles[request.handle.Key] = request.handle;
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Handle?> GetHandleAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return Locked((key, now: StoredTime.Of(now)), static (store, request) =>
            store._handles.TryGetValue(request.key, out var handle) && handle.ExpiresAt > request.now ? handle : null,
            cancellationToken);
    }
}
