using System.Text.Json.Nodes;
using Workflows.Engine.Caching;
using Workflows.Engine.Templating;

namespace Workflows.Engine.Tests.Caching;

public sealed class BoundedCacheTests
{
    [Fact]
    public void A_flood_of_distinct_templates_stays_within_the_byte_budget()
    {
        const long budget = 256 * 1024;
        var renderer = new TemplateRenderer(budget);
        var launch = new JsonObject { ["topic"] = "otters" };
        var peak = 0L;
        for (var i = 0; i < 5_000; i++)
        {
            var text = renderer.Render($"{{{{$launchVariables->topic}}}} #{i} " + new string('x', i % 500), launch, new Dictionary<string, JsonNode?>());
            Assert.StartsWith($"otters #{i} ", text, StringComparison.Ordinal);
            peak = Math.Max(peak, renderer.CachedBytes);
        }

        Assert.InRange(peak, 1, budget);
    }

    [Fact]
    public void A_hit_returns_the_cached_value_and_counts_it_once()
    {
        var cache = new BoundedCache<string>(1_000, static (key, _) => key.Length * 100L);
        var first = cache.Add("abc", new string('v', 3));
        var second = cache.Add("abc", new string('w', 3));

        Assert.Same(first, second);
        Assert.True(cache.TryGetValue("abc", out var hit));
        Assert.Same(first, hit);
        Assert.Equal(300, cache.Bytes);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void An_entry_over_the_budget_starts_the_cache_over_and_one_larger_than_it_is_not_kept()
    {
        var cache = new BoundedCache<string>(1_000, static (key, _) => key.Length * 100L);
        cache.Add("aaaa", "1");
        cache.Add("bbbb", "2");
        cache.Add("cccc", "3");   // 1,200 > 1,000: starts over with this one

        Assert.False(cache.TryGetValue("aaaa", out _));
        Assert.True(cache.TryGetValue("cccc", out _));
        Assert.Equal(400, cache.Bytes);

        var huge = cache.Add(new string('z', 11), "too big");
        Assert.Equal("too big", huge);
        Assert.False(cache.TryGetValue(new string('z', 11), out _));
        Assert.Equal(400, cache.Bytes);
    }

    [Fact]
    public void A_zero_budget_keeps_nothing_yet_the_renderer_still_renders()
    {
        var renderer = new TemplateRenderer(0);
        var text = renderer.Render("{{$launchVariables->topic}}!", new JsonObject { ["topic"] = "otters" }, new Dictionary<string, JsonNode?>());

        Assert.Equal("otters!", text);
        Assert.Equal(0, renderer.CachedBytes);
    }
}
