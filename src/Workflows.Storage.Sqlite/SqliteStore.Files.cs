using System.Runtime.InteropServices;
using Workflows.Engine.Files;
using Workflows.Storage.Sqlite.Internal;

namespace Workflows.Storage.Sqlite;

// Files: contents by file id, their bytes in chunks, and each organisation's records (see IFileChunkStore).
public sealed partial class SqliteStore : IFileChunkStore
{
    private const string UpsertChunk =
        "INSERT INTO file_chunks (content_id, idx, data, written_at) VALUES ($content, $idx, $data, $now) " +
        "ON CONFLICT (content_id, idx) DO UPDATE SET data = excluded.data, written_at = excluded.written_at";

    private static readonly FileSql FileStatements = SqliteColumns.Files;

    /// <inheritdoc />
    public Task WriteFileChunkAsync(Guid contentId, int index, ReadOnlyMemory<byte> data, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var bytes = MemoryMarshal.TryGetArray(data, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : data.ToArray();
        return WriteAsync(
            (content: ContentKey(contentId), index, bytes, now: UnixTime.ToMilliseconds(now)),
            static (connection, request) => connection.Command(UpsertChunk)
                .Set("$content", request.content)
                .Set("$idx", request.index)
                .Set("$data", request.bytes)
                .Set("$now", request.now)
                .ExecuteNonQuery(),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<StoredFile> CommitFileAsync(Guid contentId, int chunkSize, StoredFile file, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        return WriteAsync(
            (content: ContentKey(contentId), chunkSize, file, now: UnixTime.ToMilliseconds(now)),
            static (connection, request) =>
            {
                connection.Command(FileStatements.UpsertContent)
                    .Set("$fid", request.file.Fid)
                    .Set("$content", request.content)
                    .Set("$size", request.chunkSize)
                    .Set("$now", request.now)
                    .ExecuteNonQuery();
                connection.Command(FileStatements.DeleteUnusedChunks).Set("$content", request.content).ExecuteNonQuery();
                return connection.Command(FileStatements.UpsertFile)
                    .Set("$org", request.file.OrganizationId)
                    .Set("$fid", request.file.Fid)
                    .Set("$name", request.file.FileName)
                    .Set("$size", request.file.Size)
                    .Set("$mime", request.file.MimeType)
                    .Set("$type", request.file.FileType)
                    .Set("$created", UnixTime.ToMilliseconds(request.file.CreatedAt))
                    .Set("$now", request.now)
                    .ReadFirst(MapFile)!;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task DiscardFileChunksAsync(Guid contentId, CancellationToken cancellationToken) =>
        WriteAsync(
            ContentKey(contentId),
            static (connection, content) => connection.Command(FileStatements.DeleteUnusedChunks).Set("$content", content).ExecuteNonQuery(),
            cancellationToken);

    /// <inheritdoc />
    public Task<FileContent?> GetFileAsync(string organizationId, string fid, CancellationToken cancellationToken) =>
        ReadAsync(
            (organizationId, fid),
            static (connection, request) => connection.Command(FileStatements.SelectFile)
                .Set("$org", request.organizationId)
                .Set("$fid", request.fid)
                .ReadFirst(row => new FileContent(MapFile(row), Guid.Parse(row.GetString(7)), row.GetInt32(8))),
            cancellationToken);

    /// <inheritdoc />
    public Task<byte[]?> ReadFileChunkAsync(Guid contentId, int index, CancellationToken cancellationToken) =>
        ReadAsync(
            (content: ContentKey(contentId), index),
            static (connection, request) => connection.Command(FileStatements.SelectChunk)
                .Set("$content", request.content)
                .Set("$idx", request.index)
                .ReadFirst(row => (byte[])row.GetValue(0)),
            cancellationToken);

    /// <inheritdoc />
    public Task<int> DeleteFilesStoredBeforeAsync(DateTimeOffset storedBefore, CancellationToken cancellationToken) =>
        WriteAsync(
            UnixTime.ToMilliseconds(storedBefore),
            static (connection, cutoff) =>
            {
                var deleted = connection.Command(FileStatements.DeleteOldFiles).Set("$cutoff", cutoff).ExecuteNonQuery();
                connection.Command(FileStatements.DeleteOldContents).Set("$cutoff", cutoff).ExecuteNonQuery();
                connection.Command(FileStatements.DeleteOldChunks).Set("$cutoff", cutoff).ExecuteNonQuery();
                return deleted;
            },
            cancellationToken);

    private static string ContentKey(Guid contentId) => contentId.ToString("N");

    private static StoredFile MapFile(System.Data.Common.DbDataReader row) => new(
        row.GetString(1),
        row.GetString(0),
        row.GetString(2),
        row.GetInt64(3),
        row.GetString(4),
        row.GetString(5),
        UnixTime.FromMilliseconds(row.GetInt64(6)));
}
