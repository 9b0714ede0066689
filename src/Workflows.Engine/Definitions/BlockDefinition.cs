using System.Text.Json.Nodes;

namespace Workflows.Engine.Definitions;

/// <summary>One block of a workflow as written: its id, type, what it waits for and its own parameters.</summary>
/// <param name="Id">Unique within the workflow; later blocks read its output as <c>{{Id}}</c>.</param>
/// <param name="Type">The block type name (see <c>BlockAttribute</c>).</param>
/// <param name="After">Blocks it waits for. Null means "the block written before it" (sequential).</param>
/// <param name="Parameters">Every other key of the block, as JSON.</param>
/// <param name="Line">1-based line in the source file, for error messages.</param>
public sealed record BlockDefinition(string Id, string Type, IReadOnlyList<string>? After, JsonObject Parameters, int Line)
{
    /// <summary>
    /// The parameter every block accepts: the longest it may run, as a duration (<c>30s</c>, <c>PT5M</c>); the
    /// executor fails the block once it is exceeded.
    /// </summary>
    public const string TimeoutParameter = "timeout";

    /// <summary>The block's own <c>timeout</c>, or null when it sets none or it is not a positive duration.</summary>
    public TimeSpan? Timeout =>
        Parameters[TimeoutParameter] is JsonValue value && value.TryGetValue<string>(out var text)
        && DurationParser.TryParse(text, out var timeout) && timeout > TimeSpan.Zero
            ? timeout
            : null;
}
