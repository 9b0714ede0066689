using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workflows.Engine.Files;

/// <summary>Helpers for file ids and the JSON file objects that stand for stored files inside variables and results.</summary>
public static class FileObjects
{
    /// <summary>The property that marks a JSON object as a file object.</summary>
    public const string FidProperty = "fid";

    /// <summary>The download path prefix; a file's URL is this plus its id.</summary>
    public const string UrlPrefix = "/v1/files/";

    /// <summary>Walking a result stops after this many file ids (and this deep), so a huge result cannot stall an answer.</summary>
    private const int MaxFound = 1_000;

    private const int MaxDepth = 64;

    /// <summary>The download path of a file, relative to the service.</summary>
    public static string UrlPath(string fid) => UrlPrefix + fid;

    /// <summary>Whether <paramref name="fid"/> has the shape of a file id: 64 lowercase hex digits.</summary>
    public static bool IsFid(string? fid) =>
        fid is { Length: 64 } && fid.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    /// <summary>
    /// The distinct file ids of the file objects anywhere in <paramref name="value"/>, in the order they appear.
    /// Whether a store holds them is for the caller to check.
    /// </summary>
    public static IReadOnlyList<string> FindFids(JsonNode? value)
    {
        var found = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Walk(value, 0, found, seen);
        return found;
    }

    private static void Walk(JsonNode? node, int depth, List<string> found, HashSet<string> seen)
    {
        if (depth > MaxDepth || found.Count >= MaxFound)
        {
            return;
        }

        switch (node)
        {
            case JsonObject obj:
                if (obj[FidProperty] is JsonValue fidValue
                    && fidValue.GetValueKind() == JsonValueKind.String
                    && fidValue.GetValue<string>() is var fid
                    && IsFid(fid)
                    && seen.Add(fid))
                {
                    found.Add(fid);
                }

                foreach (var (_, item) in obj)
                {
                    Walk(item, depth + 1, found, seen);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Walk(item, depth + 1, found, seen);
                }

                break;
        }
    }
}
