namespace Workflows.Engine.Files;

/// <summary>
/// Content-addressed file storage, scoped by organisation: an organisation only ever sees the files it stored
/// itself, even when another one stored the same bytes.
/// </summary>
public interface IFileStore
{
    /// <summary>
    /// Stores the bytes of <paramref name="content"/> for the organisation and returns the file. Storing the same
    /// bytes again returns the existing file. Throws <see cref="FileTooLargeException"/> as soon as the stream goes
    /// past <see cref="FileStoreOptions.MaxFileBytes"/>.
    /// </summary>
    /// <param name="organizationId">The owning organisation.</param>
    /// <param name="fileName">A file name to record, or null to derive one.</param>
    /// <param name="content">The bytes, read to the end (not disposed).</param>
    /// <param name="cancellationToken">Cancels the write; nothing is stored then.</param>
    Task<StoredFile> SaveAsync(string organizationId, string? fileName, Stream content, CancellationToken cancellationToken);

    /// <summary>The organisation's file with this id, or null when it has none (or the id is malformed).</summary>
    Task<StoredFile?> GetAsync(string organizationId, string fid, CancellationToken cancellationToken);

    /// <summary>The bytes of the organisation's file, or null when it has none; the caller disposes the stream.</summary>
    Task<Stream?> OpenReadAsync(string organizationId, string fid, CancellationToken cancellationToken);

    /// <summary>
    /// Retention: deletes every organisation's record of a file it last stored (or stored again) before
    /// <paramref name="storedBefore"/>, then the bytes that no organisation's record refers to any more. Returns how
    /// many records were deleted.
    /// </summary>
    Task<int> DeleteStoredBeforeAsync(DateTimeOffset storedBefore, CancellationToken cancellationToken);
}
