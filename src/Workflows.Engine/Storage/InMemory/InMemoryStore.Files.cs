using Workflows.Engine.Files;
using Workflows.Engine.Storage.InMemory.Internal;

namespace Workflows.Engine.Storage.InMemory;

// Files: contents by file id, their chunks by content id, and each organisation's records.
public sealed partial class InMemoryStore : IFileChunkStore
{
    private readonly Dictionary<string, (Guid ContentId, int ChunkSize, DateTimeOffset StoredAt)> _fileContents = new(StringComparer.Ordinal);
    private readonly Dictionary<(Guid ContentId, int Index), (byte[] Data, DateTimeOffset WrittenAt)> _fileChunks = [];
    private readonly Dictionary<(string OrganizationId, string Fid), (StoredFile File, DateTimeOffset StoredAt)> _files = [];

    /// <inheritdoc />
    public Task WriteFileChunkAsync(Guid contentId, int index, ReadOnlyMemory<byte> data, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return Locked((contentId, index, data: data.ToArray(), now: StoredTime.Of(now)), static (store, request) =>
        {
            store._fileChunks[(request.contentId, request.index)] = (request.data, request.now);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<StoredFile> CommitFileAsync(Guid contentId, int chunkSize, StoredFile file, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        return Locked((contentId, chunkSize, file, now: StoredTime.Of(now)), static (store, request) =>
        {
            if (store._fileContents.TryGetValue(request.file.Fid, out var content))
            {
                store._fileContents[request.file.Fid] = content with { StoredAt = request.now };
                if (content.ContentId != request.contentId)
                {
                    store.DropChunks(request.contentId);
                }
            }
            else
            {
                store._fileContents[request.file.Fid] = (request.contentId, request.chunkSize, request.now);
            }

            var key = (request.file.OrganizationId, request.file.Fid);
            var record = store._files.TryGetValue(key, out var existing)
                ? existing.File
                : request.file with { CreatedAt = StoredTime.Of(request.file.CreatedAt) };
            store._files[key] = (record, request.now);
            return record;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DiscardFileChunksAsync(Guid contentId, CancellationToken cancellationToken) =>
        Locked(contentId, static (store, contentId) =>
        {
            if (!store._fileContents.Values.Any(content => content.ContentId == contentId))
            {
                store.DropChunks(contentId);
            }
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<FileContent?> GetFileAsync(string organizationId, string fid, CancellationToken cancellationToken) =>
        Locked((organizationId, fid), static (store, request) =>
            store._files.TryGetValue(request, out var record) && store._fileContents.TryGetValue(request.fid, out var content)
                ? new FileContent(record.File, content.ContentId, content.ChunkSize)
                : null,
            cancellationToken);

    /// <inheritdoc />
    public Task<byte[]?> ReadFileChunkAsync(Guid contentId, int index, CancellationToken cancellationToken) =>
        Locked((contentId, index), static (store, key) =>
            store._fileChunks.TryGetValue(key, out var chunk) ? chunk.Data.ToArray() : null, cancellationToken);

    /// <inheritdoc />
    public Task<int> DeleteFilesStoredBeforeAsync(DateTimeOffset storedBefore, CancellationToken cancellationToken) =>
        Locked(StoredTime.Of(storedBefore), static (store, cutoff) =>
        {
            var expired = store._files.Where(entry => entry.Value.StoredAt < cutoff).Select(entry => entry.Key).ToList();
            expired.ForEach(key => store._files.Remove(key));
            var referenced = store._files.Keys.Select(key => key.Fid).ToHashSet(StringComparer.Ordinal);
            foreach (var (fid, content) in store._fileContents.ToList())
            {
                if (content.StoredAt < cutoff && !referenced.Contains(fid))
                {
                    store._fileContents.Remove(fid);
                }
            }

            var live = store._fileContents.Values.Select(content => content.ContentId).ToHashSet();
            foreach (var (key, chunk) in store._fileChunks.ToList())
            {
                if (chunk.WrittenAt < cutoff && !live.Contains(key.ContentId))
                {
                    store._fileChunks.Remove(key);
                }
            }
            return expired.Count;
        }, cancellationToken);

    private void DropChunks(Guid contentId)
    {
        foreach (var key in _fileChunks.Keys.Where(key => key.ContentId == contentId).ToList())
        {
            _fileChunks.Remove(key);
        }
    }
}
