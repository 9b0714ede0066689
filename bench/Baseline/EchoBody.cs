using System.Text.Json.Nodes;

namespace Bench.Baseline;

/// <summary>The REST echo's body: the same shape as a run request, bound and written back as JSON.</summary>
/// <param name="AppId">Any text.</param>
/// <param name="Variables">Any object.</param>
internal sealed record EchoBody(string? AppId, JsonObject? Variables);
