namespace Workflows.Engine.Storage;

/// <summary>
/// A name a caller holds for a job instead of its id, until it expires: the apps dialect's poll token (kept as a
/// hash) or an MCP request id. Stored, so any node resolves it.
/// </summary>
/// <param name="Key">Unique across the store; the caller chooses a prefix per kind (<c>poll:</c>, <c>mcp:</c>).</param>
/// <param name="OrganizationId">The job's organisation.</param>
/// <param name="JobId">The job it names.</param>
/// <param name="ExpiresAt">From then on the handle names nothing.</param>
public sealed record JobHandle(string Key, string OrganizationId, Guid JobId, DateTimeOffset ExpiresAt);
