using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;

namespace Workflows.WebConsole.Internal;

/// <summary>
/// JSON for people: indented, and with <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c> and quotes left as they are rather than
/// escaped as <c>\u003c</c>. That is safe here because the console writes JSON into text nodes, never into markup.
/// </summary>
internal static class ConsoleJson
{
    private static readonly JsonSerializerOptions Readable = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Format(IMessage message) =>
        JsonNode.Parse(JsonFormatter.Default.Format(message))?.ToJsonString(Readable) ?? "null";
}
