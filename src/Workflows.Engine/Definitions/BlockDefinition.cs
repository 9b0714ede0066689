using System.Text.Json.Nodes;

namespace Workflows.Engine.Definitions;

/// <summary>One block of a workflow as written: its id, type, what it waits for and its own parameters.</summary>
/// <param name="Id">Unique within the workflow; later blocks read its output as <c>{{Id}}</c>.</param>
/// <param name="Type">The block type name (see <c>BlockAttribute</c>).</param>
/// <param name="After">Blocks it waits for. Null means "the block written before it" (sequential).</param>
/// <param name="Parameters">Every other key of the block, as JSON.</param>
/// <param name="Line">1-based line in the source file, for error messages.</param>
public sealed record BlockDefinition(string Id, string Type, IReadOnlyList<string>? After, JsonObject Parameters, int Line);
