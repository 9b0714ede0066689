using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace Workflows.Engine.Execution.Internal;

/// <summary>
/// Earlier outputs with a few extra names on top (an inline block's <c>item</c> and <c>index</c>): the extra names win,
/// the rest reads through to the outputs without copying them.
/// </summary>
internal sealed class ScopeOverlay(IReadOnlyDictionary<string, JsonNode?> extra, IReadOnlyDictionary<string, JsonNode?> inner)
    : IReadOnlyDictionary<string, JsonNode?>
{
    public int Count => extra.Count + inner.Keys.Count(k => !extra.ContainsKey(k));

    public JsonNode? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => this.Select(p => p.Key);

    public IEnumerable<JsonNode?> Values => this.Select(p => p.Value);

    public bool ContainsKey(string key) => extra.ContainsKey(key) || inner.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out JsonNode? value) =>
        extra.TryGetValue(key, out value) || inner.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, JsonNode?>> GetEnumerator()
    {
        foreach (var pair in extra)
        {
            yield return pair;
        }

        foreach (var pair in inner)
        {
            if (!extra.ContainsKey(pair.Key))
            {
                yield return pair;
            }
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
