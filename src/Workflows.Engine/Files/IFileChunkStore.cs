namespace Workflows.Engine.Files;

/// <summary>
/// Files kept in the job store's database, for a database-backed <see cref="IFileStore"/>: each distinct content once,
/// as numbered chunks, plus each organisation's record of it. Bytes are written as chunks of a new content id first and
/// become a file only when committed, so a reader never sees half a file. Implemented once per database and checked by
/// the shared store test suite.
/// </summary>
public interface IFileChunkStore
{
    /// <summary>Stores chunk <paramref name="index"/> (from 0) of the content being uploaded as <paramref name="contentId"/>.</summary>
    Task WriteFileChunkAsync(Guid contentId, int index, ReadOnlyMemory<byte> data, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Finishes an upload in one transaction. When no content with <paramref name="file"/>'s id is stored,
    /// <paramref name="contentId"/>'s chunks (of <paramref name="chunkSize"/> bytes, the last one shorter) become it;
    /// otherwise they are dropped and the stored content counts as stored now. Then the organisation's record is added,
    /// unless it has one: that one stands and counts as stored now. Returns the organisation's record as stored.
    /// </summary>
    Task<StoredFile> CommitFileAsync(Guid contentId, int chunkSize, StoredFile file, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Drops the chunks of an upload that will not be committed (it failed, or went past the size limit).</summary>
    Task DiscardFileChunksAsync(Guid contentId, CancellationToken cancellationToken);

    /// <summary>The organisation's record of <paramref name="fid"/> and where its bytes are, or null when it has none.</summary>
    Task<FileContent?> GetFileAsync(string organizationId, string fid, CancellationToken cancellationToken);

    /// <summary>Chunk <paramref name="index"/> of a content, or null when it is not there (any more).</summary>
    Task<byte[]?> ReadFileChunkAsync(Guid contentId, int index, CancellationToken cancellationToken);

    /// <summary>
    /// Retention, as <see cref="IFileStore.DeleteStoredBeforeAsync"/>: deletes the records stored (or stored again)
    /// before <paramref name="storedBefore"/>, then the contents no record refers to that were not stored since either,
    /// and the chunks of uploads written before it and never committed. Returns how many records were deleted.
    /// </summary>
    Task<int> DeleteFilesStoredBeforeAsync(DateTimeOffset storedBefore, CancellationToken cancellationToken);
}
