using System.Text.Json.Nodes;

namespace Workflows.Server.Tests.Infrastructure;

/// <summary>Assertions on JSON shapes: the REST dialects must use exactly the field names their clients read.</summary>
public static class JsonAssert
{
    /// <summary>Asserts that <paramref name="node"/> is an object with exactly these keys (in any order).</summary>
    public static JsonObject HasExactly(JsonNode? node, params string[] keys)
    {
        var obj = Assert.IsType<JsonObject>(node);
        Assert.Equal(keys.Order(StringComparer.Ordinal), obj.Select(p => p.Key).Order(StringComparer.Ordinal));
        return obj;
    }

    /// <summary>Asserts that <paramref name="node"/> is an object with at least these keys.</summary>
    public static JsonObject HasAtLeast(JsonNode? node, params string[] keys)
    {
        var obj = Assert.IsType<JsonObject>(node);
        var missing = keys.Where(k => !obj.ContainsKey(k)).ToArray();
        Assert.True(missing.Length == 0, $"missing keys {string.Join(", ", missing)} in {obj.ToJsonString()}");
        return obj;
    }

    /// <summary>The object's keys, recursively, as paths (arrays by their first element), to compare two shapes.</summary>
    public static SortedSet<string> Shape(JsonNode? node, string path = "")
    {
        var shape = new SortedSet<string>(StringComparer.Ordinal);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    var child = path.Length == 0 ? key : $"{path}.{key}";
                    shape.Add(child);
                    shape.UnionWith(Shape(value, child));
                }

                break;
            case JsonArray array when array.Count > 0:
                shape.UnionWith(Shape(array[0], path + "[]"));
                break;
        }

        return shape;
    }

    /// <summary>
    /// Asserts a REST error body: a <c>code</c> (numeric, or under /developer/v2 the string code of the status) and a
    /// <c>message</c> containing every given fragment.
    /// </summary>
    public static void IsError(RestResponse response, params string[] fragments)
    {
        var body = HasAtLeast(response.Json, "code", "message");
        if (body["code"]!.GetValueKind() == System.Text.Json.JsonValueKind.String)
        {
            Assert.Equal(Api.Agents.DeveloperErrors.CodeOf((int)response.Status), body["code"]!.GetValue<string>());
        }
        else
        {
            Assert.Equal(System.Text.Json.JsonValueKind.Number, body["code"]!.GetValueKind());
        }

        var message = body["message"]!.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(message));
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, message, StringComparison.OrdinalIgnoreCase);
        }
    }
}
