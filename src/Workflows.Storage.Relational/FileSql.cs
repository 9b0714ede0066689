namespace Workflows.Storage.Relational;

/// <summary>
/// The statements of the database file store (<c>file_contents</c>, <c>file_chunks</c>, <c>files</c>) in one store's
/// <see cref="SqlDialect"/>: the same words on SQLite and PostgreSQL. Built once per store.
/// </summary>
public sealed class FileSql
{
    /// <summary>The columns of a file record, in the order both stores read them.</summary>
    public const string FileColumns = "org, fid, file_name, size, mime_type, file_type, created_at";

    /// <summary>Writes the statements in <paramref name="dialect"/>.</summary>
    public FileSql(SqlDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        string P(string name) => dialect.Parameter(name);

        UpsertContent =
            $"INSERT INTO file_contents (fid, content_id, chunk_size, stored_at) VALUES ({P("fid")}, {P("content")}, {P("size")}, {P("now")}) " +
            "ON CONFLICT (fid) DO UPDATE SET stored_at = excluded.stored_at";
        DeleteUnusedChunks =
            $"DELETE FROM file_chunks WHERE content_id = {P("content")} " +
            $"AND NOT EXISTS (SELECT 1 FROM file_contents WHERE content_id = {P("content")})";
        UpsertFile =
            $"INSERT INTO files ({FileColumns}, stored_at) VALUES ({P("org")}, {P("fid")}, {P("name")}, {P("size")}, {P("mime")}, " +
            $"{P("type")}, {P("created")}, {P("now")}) " +
            $"ON CONFLICT (org, fid) DO UPDATE SET stored_at = excluded.stored_at RETURNING {FileColumns}";
        SelectFile =
            "SELECT f.org, f.fid, f.file_name, f.size, f.mime_type, f.file_type, f.created_at, c.content_id, c.chunk_size " +
            $"FROM files f JOIN file_contents c ON c.fid = f.fid WHERE f.org = {P("org")} AND f.fid = {P("fid")}";
        SelectChunk = $"SELECT data FROM file_chunks WHERE content_id = {P("content")} AND idx = {P("idx")}";
        DeleteOldFiles = $"DELETE FROM files WHERE stored_at < {P("cutoff")}";
        DeleteOldContents =
            $"DELETE FROM file_contents WHERE stored_at < {P("cutoff")} AND NOT EXISTS (SELECT 1 FROM files f WHERE f.fid = file_contents.fid)";
        DeleteOldChunks =
            $"DELETE FROM file_chunks WHERE written_at < {P("cutoff")} " +
            "AND NOT EXISTS (SELECT 1 FROM file_contents c WHERE c.content_id = file_chunks.content_id)";
    }

    /// <summary>Makes a content of an upload's chunks under its file id, or marks the existing one stored again.</summary>
    public string UpsertContent { get; }

    /// <summary>Chunks of an upload whose bytes were stored already (or that is given up) belong to no content.</summary>
    public string DeleteUnusedChunks { get; }

    /// <summary>An organisation's record of a file, or its stored time moved on; returns the record.</summary>
    public string UpsertFile { get; }

    /// <summary>An organisation's file record with its content's id and chunk size.</summary>
    public string SelectFile { get; }

    /// <summary>One chunk's bytes.</summary>
    public string SelectChunk { get; }

    /// <summary>Retention: records stored before the cutoff.</summary>
    public string DeleteOldFiles { get; }

    /// <summary>Retention: contents no record names any more.</summary>
    public string DeleteOldContents { get; }

    /// <summary>Retention: chunks of no content, written before the cutoff (uploads given up).</summary>
    public string DeleteOldChunks { get; }
}
