using System.Collections.Concurrent;

namespace Workflows.Engine.Caching;

/// <summary>
/// A cache of values parsed from source text, bounded by the estimated bytes it holds (<paramref name="maxBytes"/>):
/// when an entry would take it over, it starts over. Hits are one lock-free dictionary lookup, which matters because
/// every block render reads one; misses take a lock, so the byte count is exact. The working set is the loaded apps'
/// templates and scripts, far below the budget, so starting over happens only under a flood of distinct sources,
/// where an LRU's bookkeeping on every hit would buy nothing. An entry larger than the whole budget is not kept.
/// </summary>
/// <typeparam name="TValue">What is cached per source text.</typeparam>
/// <param name="maxBytes">The budget; zero keeps nothing.</param>
/// <param name="cost">The estimated bytes one entry holds (its key included).</param>
public sealed class BoundedCache<TValue>(long maxBytes, Func<string, TValue, long> cost)
    where TValue : class
{
    private readonly ConcurrentDictionary<string, TValue> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _bytes;

    /// <summary>Estimated bytes held now.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Entries held now.</summary>
    public int Count => _entries.Count;

    /// <summary>The value cached for <paramref name="key"/>, if any.</summary>
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TValue value) =>
        _entries.TryGetValue(key, out value);

    /// <summary>
    /// Keeps <paramref name="value"/> for <paramref name="key"/> unless another thread got there first, and returns the
    /// value now cached (or <paramref name="value"/> itself when it does not fit the budget).
    /// </summary>
    public TValue Add(string key, TValue value)
    {
        var size = cost(key, value);
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                return existing;
            }

            if (size > maxBytes)
            {
                return value;
            }

            if (_bytes + size > maxBytes)
            {
                _entries.Clear();
                Volatile.Write(ref _bytes, 0);
            }

            _entries[key] = value;
            Volatile.Write(ref _bytes, _bytes + size);
            return value;
        }
    }
}
