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

    private const string UpsertContent =
        "INSERT INTO file_contents (fid, content_id, chunk_size, stored_at) VALUES ($fid, $content, $size, $now) " +
        "ON CONFLICT (fid) DO UPDATE SET stored_at = excluded.stored_at";

    // Chunks of an upload whose bytes were stored already (or that is given up) belong to no content.
    private const string DeleteUnusedChunks =
        "DELETE FROM file_chunks WHERE content_id = $content AND NOT EXISTS (SELECT 1 FROM file_contents WHERE content_id = $content)";

    private const string FileColumns = "org, fid, file_name, size, mime_type, file_type, created_at";

    private const string UpsertFile =
        $"INSERT INTO files ({FileColumns}, stored_at) VALUES ($org, $fid, $name, $size, $mime, $type, $created, $now) " +
        $"ON CONFLICT (org, fid) DO UPDATE SET stored_at = excluded.stored_at RETURNING {FileColumns}";

    private const string SelectFile =
        "SELECT f.org, f.fid, f.file_name, f.size, f.mime_type, f.file_type, f.created_at, c.content_id, c.chunk_size " +
        "FROM files f JOIN file_contents c ON c.fid = f.fid WHERE f.org = $org AND f.fid = $fid";

    private const string SelectChunk = "SELECT data FROM file_chunks WHERE content_id = $content AND idx = $idx";

    private const string DeleteOldFiles = "DELETE FROM files WHERE stored_at < $cutoff";

    private const string DeleteOldContents =
        "DELETE FROM file_contents WHERE stored_at < $cutoff AND NOT EXISTS (SELECT 1 FROM files f WHERE f.fid = file_contents.fid)";

    private const string DeleteOldChunks =
        "DELETE FROM file_chunks WHERE written_at < $cutoff " +
        "AND NOT EXISTS (SELECT 1 FROM file_contents c WHERE c.content_id = file_chunks.content_id)";

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
                connection.Command(UpsertContent)
                    .Set("$fid", request.file.Fid)
                    .Set("$content", request.content)
                    .Set("$size", request.chunkSize)
                    .Set("$now", request.now)
                    .ExecuteNonQuery();
                connection.Command(DeleteUnusedChunks).Set("$content", request.content).ExecuteNonQuery();
                return connection.Command(UpsertFile)
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
            static (connection, content) => connection.Command(DeleteUnusedChunks).Set("$content", content).ExecuteNonQuery(),
            cancellationToken);

    /// <inheritdoc />
    public Task<FileContent?> GetFileAsync(string organizationId, string fid, CancellationToken cancellationToken) =>
        ReadAsync(
            (organizationId, fid),
            static (connection, request) => connection.Command(SelectFile)
                .Set("$org", request.organizationId)
                .Set("$fid", request.fid)
                .ReadFirst(row => new FileContent(MapFile(row), Guid.Parse(row.GetString(7)), row.GetInt32(8))),
            cancellationToken);

    /// <inheritdoc />
    public Task<byte[]?> ReadFileChunkAsync(Guid contentId, int index, CancellationToken cancellationToken) =>
        ReadAsync(
            (content: ContentKey(contentId), index),
            static (connection, request) => connection.Command(SelectChunk)
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
                var deleted = connection.Command(DeleteOldFiles).Set("$cutoff", cutoff).ExecuteNonQuery();
                connection.Command(DeleteOldContents).Set("$cutoff", cutoff).ExecuteNonQuery();
                connection.Command(DeleteOldChunks).Set("$cutoff", cutoff).ExecuteNonQuery();
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
