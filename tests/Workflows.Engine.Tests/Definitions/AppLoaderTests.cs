using Workflows.Engine.Definitions;
using Workflows.Engine.Storage;
using Workflows.Engine.Tests.TestBlocks;

namespace Workflows.Engine.Tests.Definitions;

public sealed class AppLoaderTests : IDisposable
{
    private const string Flow = "name: Main\nblocks:\n  - { id: a, type: test-echo }\n";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void LoadFolder_FullManifest_ReadsFields()
    {
        _temp.Write("blog/app.yaml", "id: blog\nname: Blog Writer\nslug: blog-writer\ndescription: Writes a short blog post.\norg: acme\n");
        _temp.Write("blog/main.flow", Flow);
        _temp.Write("blog/extra.flow", "blocks: [{ id: b, type: test-echo }]");
        _temp.Write("blog/notes.txt", "ignored");

        var app = AppLoader.LoadFolder(Path.Combine(_temp.Path, "blog"), TestRegistry.Create());

        Assert.Equal(("blog", "Blog Writer", "blog-writer", "Writes a short blog post.", "acme", "folder"),
            (app.Id, app.Name, app.Slug, app.Description, app.OrganizationId, app.Source));
        Assert.Equal(["extra", "main"], app.Workflows.Keys);
        Assert.Equal("Main", app.Workflows["main"].Title);
        Assert.Equal("extra", app.Workflows["extra"].Title);
    }

    [Fact]
    public void LoadFolder_EmptyManifest_DefaultsFromFolderName()
    {
        _temp.Write("My Blog/app.yaml", "# nothing yet\n");
        _temp.Write("My Blog/main.flow", Flow);

        var app = AppLoader.LoadFolder(Path.Combine(_temp.Path, "My Blog") + Path.DirectorySeparatorChar, TestRegistry.Create());

        Assert.Equal(("My Blog", "My Blog", "my-blog", "", "default"), (app.Id, app.Name, app.Slug, app.Description, app.OrganizationId));
    }

    [Fact]
    public void LoadFolder_McpFlags_AppOptsInAndWorkflowOptsOut()
    {
        _temp.Write("tools/app.yaml", "mcp: true\n");
        _temp.Write("tools/main.flow", Flow);
        _temp.Write("tools/private.flow", "mcp: false\nblocks: [{ id: b, type: test-echo }]");
        _temp.Write("plain/app.yaml", "name: Plain\n");
        _temp.Write("plain/main.flow", Flow);

        var tools = AppLoader.LoadFolder(Path.Combine(_temp.Path, "tools"), TestRegistry.Create());
        var plain = AppLoader.LoadFolder(Path.Combine(_temp.Path, "plain"), TestRegistry.Create());

        Assert.True(tools.Mcp);
        Assert.True(tools.Workflows["main"].Mcp);
        Assert.False(tools.Workflows["private"].Mcp);
        Assert.False(plain.Mcp);
    }

    [Theory]
    [InlineData("tools/app.yaml", "mcp: sometimes\n", "app.yaml")]
    [InlineData("tools/main.flow", "mcp: [yes]\nblocks: [{ id: a, type: test-echo }]\n", "main.flow")]
    public void LoadFolder_McpNotABoolean_ThrowsNamingFileAndKey(string file, string text, string named)
    {
        _temp.Write("tools/app.yaml", "mcp: true\n");
        _temp.Write("tools/main.flow", Flow);
        _temp.Write(file, text);

        var e = Assert.Throws<DefinitionException>(() => AppLoader.LoadFolder(Path.Combine(_temp.Path, "tools"), TestRegistry.Create()));

        Assert.Contains(named, e.Message, StringComparison.Ordinal);
        Assert.Contains("'mcp' must be true or false", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFolder_UuidId_KeptAsWritten()
    {
        _temp.Write("x/app.yml", "id: 3F2504E0-4F89-11D3-9A0C-0305E82C3301\n");
        _temp.Write("x/main.flow", Flow);

        var app = AppLoader.LoadFolder(Path.Combine(_temp.Path, "x"), TestRegistry.Create());

        Assert.Equal("3F2504E0-4F89-11D3-9A0C-0305E82C3301", app.Id);
        Assert.Equal("3f2504e0-4f89-11d3-9a0c-0305e82c3301", app.Slug);
    }

    [Fact]
    public void LoadFolder_MissingManifest_Throws()
    {
        _temp.Write("blog/main.flow", Flow);

        var e = Assert.Throws<DefinitionException>(() => AppLoader.LoadFolder(Path.Combine(_temp.Path, "blog"), TestRegistry.Create()));

        Assert.Equal("blog/app.yaml", e.File);
    }

    [Fact]
    public void LoadFolder_NoWorkflows_Throws()
    {
        _temp.Write("blog/app.yaml", "name: Blog\n");

        var e = Assert.Throws<DefinitionException>(() => AppLoader.LoadFolder(Path.Combine(_temp.Path, "blog"), TestRegistry.Create()));

        Assert.Contains("no workflows", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFolder_UnknownManifestKey_ThrowsWithLine()
    {
        _temp.Write("blog/app.yaml", "name: Blog\ndescripton: typo\n");
        _temp.Write("blog/main.flow", Flow);

        var e = Assert.Throws<DefinitionException>(() => AppLoader.LoadFolder(Path.Combine(_temp.Path, "blog"), TestRegistry.Create()));

        Assert.Equal(("blog/app.yaml", 2), (e.File, e.Line));
        Assert.Contains("unknown key 'descripton'", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFolder_BrokenWorkflow_ThrowsWithRelativeFileName()
    {
        _temp.Write("blog/app.yaml", "name: Blog\n");
        _temp.Write("blog/main.flow", Flow);
        _temp.Write("blog/second.flow", "blocks:\n  - { id: a, type: nope }\n");

        var e = Assert.Throws<DefinitionException>(() => AppLoader.LoadFolder(Path.Combine(_temp.Path, "blog"), TestRegistry.Create()));

        Assert.Equal(("blog/second.flow", 2), (e.File, e.Line));
        Assert.StartsWith("blog/second.flow:2: unknown block type 'nope'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFolder_BadWorkflowFileName_Throws()
    {
        _temp.Write("blog/app.yaml", "");
        _temp.Write("blog/my flow.flow", Flow);

        var e = Assert.Throws<DefinitionException>(() => AppLoader.LoadFolder(Path.Combine(_temp.Path, "blog"), TestRegistry.Create()));

        Assert.Equal("blog/my flow.flow", e.File);
    }

    [Fact]
    public void FromStored_ValidApp_Loads()
    {
        var stored = new StoredApp("acme", "writer", "", "", "desc",
            new Dictionary<string, string> { ["main"] = Flow, ["other-one"] = Flow }, DateTimeOffset.UnixEpoch);

        var app = AppLoader.FromStored(stored, TestRegistry.Create());

        Assert.Equal(("writer", "acme", "writer", "writer", "desc", "api"),
            (app.Id, app.OrganizationId, app.Name, app.Slug, app.Description, app.Source));
        Assert.Equal(["main", "other-one"], app.Workflows.Keys);
    }

    [Fact]
    public void FromStored_BrokenWorkflow_NamesAppAndWorkflow()
    {
        var stored = new StoredApp("acme", "writer", "W", "w", "",
            new Dictionary<string, string> { ["main"] = "blocks: []\n" }, DateTimeOffset.UnixEpoch);

        var e = Assert.Throws<DefinitionException>(() => AppLoader.FromStored(stored, TestRegistry.Create()));

        Assert.Equal(("writer/main.flow", 1), (e.File, e.Line));
    }

    [Theory]
    [InlineData("bad name")]
    [InlineData("a/b")]
    [InlineData("")]
    public void FromStored_BadWorkflowName_Throws(string name)
    {
        var stored = new StoredApp("acme", "writer", "W", "w", "",
            new Dictionary<string, string> { [name] = Flow }, DateTimeOffset.UnixEpoch);

        var e = Assert.Throws<DefinitionException>(() => AppLoader.FromStored(stored, TestRegistry.Create()));

        Assert.Contains("workflow name", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void FromStored_NoWorkflows_Throws()
    {
        var stored = new StoredApp("acme", "writer", "W", "w", "", new Dictionary<string, string>(), DateTimeOffset.UnixEpoch);

        Assert.Throws<DefinitionException>(() => AppLoader.FromStored(stored, TestRegistry.Create()));
    }
}
