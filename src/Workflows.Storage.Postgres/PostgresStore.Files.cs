using System.Data.Common;
using Npgsql;
using Workflows.Engine.Files;
using Workflows.Storage.Postgres.Internal;
using Workflows.Storage.Relational;

namespace Workflows.Storage.Postgres;

// Files: contents by file id, their bytes in chunks, and each organisation's records (see IFileChunkStore), shared by
// every node. Chunks go straight to the database on a pooled connection, not through the writer: they are large, only
// their upload reads them until it commits, and job commits should not wait behind them.
public sealed partial class PostgresStore : IFileChunkStore
{
    private const string UpsertChunk =
        "INSERT INTO file_chunks (content_id, idx, data, written_at) VALUES (@content, @idx, @data, @now) " +
        "ON CONFLICT (content_id, idx) DO UPDATE SET data = excluded.data, written_at = excluded.written_at";

    private static readonly FileSql FileStatements = PostgresColumns.Files;

    /// <inheritdoc />
    public async Task WriteFileChunkAsync(Guid contentId, int index, ReadOnlyMemory<byte> data, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        _ = Writer;
        await using var command = _dataSource.CreateCommand(UpsertChunk);
        command.Parameters.Uuid("content", contentId).Int("idx", index).Bytes("data", data).Time("now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<StoredFile> CommitFileAsync(Guid contentId, int chunkSize, StoredFile file, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        return WriteAsync(
            (contentId, chunkSize, file, now),
            static async (session, request) =>
            {
                await using var batch = session.CreateBatch();
                var content = new NpgsqlBatchCommand(FileStatements.UpsertContent);
                content.Parameters
                    .Text("fid", request.file.Fid)
                    .Uuid("content", request.contentId)
                    .Int("size", request.chunkSize)
                    .Time("now", request.now);
                batch.BatchCommands.Add(content);
                var unused = new NpgsqlBatchCommand(FileStatements.DeleteUnusedChunks);
                unused.Parameters.Uuid("content", request.contentId);
                batch.BatchCommands.Add(unused);
                var record = new NpgsqlBatchCommand(FileStatements.UpsertFile);
                record.Parameters
                    .Text("org", request.file.OrganizationId)
                    .Text("fid", request.file.Fid)
                    .Text("name", request.file.FileName)
                    .BigInt("size", request.file.Size)
                    .Text("mime", request.file.MimeType)
                    .Text("type", request.file.FileType)
                    .Time("created", request.file.CreatedAt)
                    .Time("now", request.now);
                batch.BatchCommands.Add(record);
                await using var reader = await session.ExecuteReaderAsync(batch);
                return (await Rows.ReadFirstAsync(reader, MapFile, CancellationToken.None))!;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task DiscardFileChunksAsync(Guid contentId, CancellationToken cancellationToken) =>
        WriteAsync(
            contentId,
            static async (session, contentId) =>
            {
                await using var batch = session.CreateBatch();
                var command = new NpgsqlBatchCommand(FileStatements.DeleteUnusedChunks);
                command.Parameters.Uuid("content", contentId);
                batch.BatchCommands.Add(command);
                await session.ExecuteAsync(batch);
                return true;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<FileContent?> GetFileAsync(string organizationId, string fid, CancellationToken cancellationToken) =>
        ReadAsync(
            FileStatements.SelectFile,
            parameters => parameters.Text("org", organizationId).Text("fid", fid),
            (reader, token) => Rows.ReadFirstAsync(
                reader, row => new FileContent(MapFile(row), row.GetGuid(7), row.GetInt32(8)), token),
            cancellationToken);

    /// <inheritdoc />
    public Task<byte[]?> ReadFileChunkAsync(Guid contentId, int index, CancellationToken cancellationToken) =>
        ReadAsync(
            FileStatements.SelectChunk,
            parameters => parameters.Uuid("content", contentId).Int("idx", index),
            (reader, token) => Rows.ReadFirstAsync(reader, row => row.GetFieldValue<byte[]>(0), token),
            cancellationToken);

    /// <inheritdoc />
    public Task<int> DeleteFilesStoredBeforeAsync(DateTimeOffset storedBefore, CancellationToken cancellationToken) =>
        WriteAsync(
            storedBefore,
            static async (session, cutoff) =>
            {
                await using var batch = session.CreateBatch();
                foreach (var sql in new[] { FileStatements.DeleteOldFiles, FileStatements.DeleteOldContents, FileStatements.DeleteOldChunks })
                {
                    var command = new NpgsqlBatchCommand(sql);
                    command.Parameters.Time("cutoff", cutoff);
                    batch.BatchCommands.Add(command);
                }
                await session.ExecuteAsync(batch);
                // The savepoint the session may put in front shifts the commands; the records are the third from the end.
                return (int)batch.BatchCommands[^3].RecordsAffected;
            },
            cancellationToken);

    private static StoredFile MapFile(DbDataReader row) => new(
        row.GetString(1),
        row.GetString(0),
        row.GetString(2),
        row.GetInt64(3),
        row.GetString(4),
        row.GetString(5),
        row.GetFieldValue<DateTimeOffset>(6));
}
