using System.Net;
using System.Text.RegularExpressions;
using Workflows.WebConsole.Tests.Infrastructure;

namespace Workflows.WebConsole.Tests;

/// <summary>The console's responses over plain HTTP: headers and markup a browser is given before any script runs.</summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class ConsoleHttpTests(ConsoleFixture fixture)
{
    [Theory]
    [InlineData("/console/")]
    [InlineData("/console/jobs/00000000-0000-0000-0000-000000000000")]
    public async Task Page_AnyConsoleUrl_HasStrictCspAndNoInlineScript(string path)
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl) };
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        var scriptSrc = Directive(policy, "script-src");
        Assert.Equal("'self'", scriptSrc);
        Assert.Equal("'self'", Directive(policy, "connect-src"));
        Assert.Equal("'none'", Directive(policy, "frame-ancestors"));
        Assert.Equal("'none'", Directive(policy, "object-src"));

        var html = await response.Content.ReadAsStringAsync();
        var scripts = ScriptTag().Matches(html);
        Assert.NotEmpty(scripts);
        // Every script is a file of this origin: a relative src, and nothing between the tags.
        Assert.All(scripts, tag =>
        {
            Assert.Matches("src=\"_framework/blazor\\.web\\.[a-z0-9]+\\.js\"", tag.Groups["attributes"].Value);
            Assert.Empty(tag.Groups["body"].Value.Trim());
        });
        Assert.DoesNotContain(" on", Regex.Replace(html, "\"[^\"]*\"", "\"\""), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaticFiles_ServedWithoutToken_DataNeedsToken()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl) };
        var html = await http.GetStringAsync(new Uri("/console/", UriKind.Relative));
        foreach (Match asset in AssetReference().Matches(html))
        {
            using var file = await http.GetAsync(new Uri("/" + asset.Groups["path"].Value, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        }

        // The page is open; what it shows comes only through the API, which still wants a token.
        using var jobs = await http.GetAsync(new Uri("/v1/jobs", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, jobs.StatusCode);
    }

    private static string Directive(string policy, string name) =>
        policy.Split(';', StringSplitOptions.TrimEntries).Single(d => d.StartsWith(name + " ", StringComparison.Ordinal))[(name.Length + 1)..];

    [GeneratedRegex("<script(?<attributes>[^>]*)>(?<body>.*?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex("(?:src|href)=\"(?<path>_(?:framework|content)/[^\"]+)\"")]
    private static partial Regex AssetReference();
}
