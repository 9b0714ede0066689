namespace Workflows.Engine.Files;

/// <summary>An organisation's record of a file and where <see cref="IFileChunkStore"/> keeps its bytes.</summary>
/// <param name="File">The organisation's record.</param>
/// <param name="ContentId">The id its chunks are stored under.</param>
/// <param name="ChunkSize">The size of every chunk but the last, in bytes.</param>
public sealed record FileContent(StoredFile File, Guid ContentId, int ChunkSize);
