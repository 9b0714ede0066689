namespace Workflows.Engine.Storage;

/// <summary>
/// A name a caller holds instead of an id, until it expires: the apps dialect's poll token (kept as a hash) or an MCP
/// request id naming a job, an upload naming the file stored under it. Stored, so any node resolves it.
/// </summary>
/// <param name="Key">Unique across the store; the caller chooses a prefix per kind (<c>poll:</c>, <c>mcp:</c>, <c>upload:</c>).</param>
/// <param name="OrganizationId">The organisation of what it names.</param>
/// <param name="Target">What it names: a job id (<c>D</c> format) or a file id.</param>
/// <param name="ExpiresAt">From then on the handle names nothing.</param>
public sealed record Handle(string Key, string OrganizationId, string Target, DateTimeOffset ExpiresAt);
