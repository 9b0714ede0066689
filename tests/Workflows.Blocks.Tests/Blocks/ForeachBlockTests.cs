using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;
using Workflows.Blocks;
using Workflows.Engine.Jobs;
using Workflows.Blocks.Tests.Fixtures;
using Workflows.Tests.Shared;

namespace Workflows.Blocks.Tests.Blocks;

public sealed class ForeachBlockTests
{
    private static readonly BlockRegistry Registry = Blocks(new ConcurrencyProbe(1));

    // The library's blocks and the probe block, which takes its probe in its constructor.
    private static BlockRegistry Blocks(ConcurrencyProbe probe) =>
        TestBlockServices.Registry([typeof(ForeachBlock).Assembly, typeof(ConcurrencyProbeBlock).Assembly], probe);

    private static BlockTestFixture Fixture(JsonNode? items, JsonObject? block = null, BlockRegistry? registry = null) =>
        new BlockTestFixture(TestBlockServices.Create<ForeachBlock>(), "foreach") { BlockId = "each", Registry = registry ?? Registry }
            .WithParameter("items", items)
            .WithParameter("block", block ?? new JsonObject { ["type"] = "template", ["text"] = "{{index}}:{{item}}" });

    [Fact]
    public async Task ExecuteAsync_InlineTemplate_OutputsInItemOrder()
    {
        var fixture = Fixture("{{list}}").WithOutput("list", new JsonArray("a", "b", "c"));

        var result = await fixture.ExecuteAsync();

        Assert.Equal("""["0:a","1:b","2:c"]""", result.Output!.ToJsonString());
        Assert.Equal(["3 items, 0 failed"], fixture.Logs);
    }

    [Fact]
    public async Task ExecuteAsync_InlineScriptWithAs_SeesItemAndEarlierOutputs()
    {
        var fixture = Fixture(new JsonArray(1, 2, 3), new JsonObject { ["type"] = "script", ["code"] = "return n * factor + index;" })
            .WithParameter("as", "n")
            .WithOutput("factor", 10);

        var result = await fixture.ExecuteAsync();

        Assert.Equal("[10,21,32]", result.Output!.ToJsonString());
    }

    [Fact]
    public async Task ExecuteAsync_TextThatIsAJsonArray_IsParsed()
    {
        var result = await Fixture("{{ list | json }}").WithOutput("list", new JsonArray(5, 6)).ExecuteAsync();

        Assert.Equal("""["0:5","1:6"]""", result.Output!.ToJsonString());
    }

    [Fact]
    public async Task ExecuteAsync_NotAnArray_Fails()
    {
        var e = await Assert.ThrowsAsync<BlockException>(() => Fixture("{{obj}}").WithOutput("obj", new JsonObject()).ExecuteAsync());

        Assert.Equal("'items' must be a JSON array, got an object", e.Message);
    }

    [Fact]
    public async Task ExecuteAsync_ThousandItemsParallelismEight_KeepsOrderAndRunsEightAtOnce()
    {
        var probe = new ConcurrencyProbe(8);
        var items = new JsonArray([.. Enumerable.Range(0, 1000).Select(i => (JsonNode?)i)]);
        var fixture = Fixture(items, new JsonObject { ["type"] = "test-probe", ["value"] = "{{item}}" }, Blocks(probe))
            .WithParameter("parallelism", 8);

        var result = await fixture.ExecuteAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var outputs = result.Output!.AsArray();
        Assert.Equal(1000, outputs.Count);
        Assert.Equal(Enumerable.Range(0, 1000), outputs.Select(o => o!.GetValue<int>()));
        Assert.Equal(8, probe.Max);
        Assert.Equal(["1000 items, 0 failed"], fixture.Logs);
    }

    [Fact]
    public async Task ExecuteAsync_FailureWithoutContinueOnError_FailsBlock()
    {
        var fixture = Fixture(new JsonArray(1, 0, 2), new JsonObject { ["type"] = "script", ["code"] = "if (item === 0) throw new Error('zero'); return item;" })
            .WithParameter("parallelism", 1);

        var e = await Assert.ThrowsAsync<BlockException>(() => fixture.ExecuteAsync());

        Assert.Equal("item 1 failed: script error: zero (line 1)", e.Message);
    }

    [Fact]
    public async Task ExecuteAsync_ContinueOnError_YieldsNullAndErrors()
    {
        var fixture = Fixture(new JsonArray(1, 0, 2), new JsonObject { ["type"] = "script", ["code"] = "if (item === 0) throw new Error('zero'); return item * 2;" })
            .WithParameter("continueOnError", true);

        var result = await fixture.ExecuteAsync();

        Assert.Equal("""{"items":[2,null,4],"errors":[{"index":1,"error":"script error: zero (line 1)"}]}""", result.Output!.ToJsonString());
        Assert.Equal(["3 items, 1 failed"], fixture.Logs);
    }

    [Fact]
    public async Task ExecuteAsync_Workflow_RunsChildJobPerItemWithKeys()
    {
        var children = new FakeChildJobRunner();
        var fixture = new BlockTestFixture(TestBlockServices.Create<ForeachBlock>(children), "foreach") { BlockId = "each" }
            .WithParameter("items", new JsonArray("x", "y"))
            .WithParameter("as", "topic")
            .WithParameter("workflow", "summarize");

        var result = await fixture.ExecuteAsync();

        Assert.Equal("""[{"topic":"x"},{"topic":"y"}]""", result.Output!.ToJsonString());
        var requests = children.Requests.OrderBy(r => r.IdempotencyKey, StringComparer.Ordinal).ToList();
        Assert.Equal([$"child:{fixture.JobId}:each:0", $"child:{fixture.JobId}:each:1"], requests.Select(r => r.IdempotencyKey));
        Assert.All(requests, r => Assert.Equal(("app", "summarize", fixture.JobId), (r.AppId, r.Workflow, r.ParentJobId)));
    }

    [Fact]
    public async Task ExecuteAsync_ChildFails_FailsBlockNamingTheChild()
    {
        var children = new FakeChildJobRunner { Outcome = _ => (JobState.Failed, null, "boom") };
        var fixture = new BlockTestFixture(TestBlockServices.Create<ForeachBlock>(children), "foreach")
            .WithParameter("items", new JsonArray("x"))
            .WithParameter("workflow", "summarize");

        var e = await Assert.ThrowsAsync<BlockException>(() => fixture.ExecuteAsync());

        Assert.Matches("^item 0 failed: child job [0-9a-f-]{36} failed: boom$", e.Message);
    }

    [Fact]
    public void Validate_Good_Passes() => Assert.Null(Fixture("{{list}}").WithOutput("list", new JsonArray()).ValidationError());

    [Fact]
    public void Validate_InlineBlockError_NamesForeachAndBlock() =>
        Assert.Equal(
            "block 'each': block: 'text' is required",
            Fixture(new JsonArray(), new JsonObject { ["type"] = "template" }).ValidationError());

    [Fact]
    public void Validate_InlineBlockReadsUnknownVariable_Refuses() =>
        Assert.Equal(
            "block 'each': block: text: unknown variable 'thing'",
            Fixture(new JsonArray(), new JsonObject { ["type"] = "template", ["text"] = "{{thing}}" }).ValidationError());

    [Fact]
    public void Validate_InlineUnknownType_Refuses() =>
        Assert.StartsWith(
            "block 'each': block: unknown block type 'nope'",
            Fixture(new JsonArray(), new JsonObject { ["type"] = "nope" }).ValidationError(),
            StringComparison.Ordinal);

    [Fact]
    public void Validate_BothWorkflowAndBlock_Refuses() =>
        Assert.StartsWith("block 'each': give exactly one of 'workflow'", Fixture(new JsonArray()).WithParameter("workflow", "w").ValidationError(), StringComparison.Ordinal);

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    [InlineData(2.5)]
    public void Validate_BadParallelism_Refuses(double parallelism) =>
        Assert.Equal(
            "block 'each': 'parallelism' must be a whole number from 1 to 64",
            Fixture(new JsonArray()).WithParameter("parallelism", parallelism).ValidationError());

    [Fact]
    public void Validate_AsIsABlockId_Refuses() =>
        Assert.Equal(
            "block 'each': 'as': 'list' is the id of a block; choose another name",
            Fixture("{{list}}").WithOutput("list", new JsonArray()).WithParameter("as", "list").ValidationError());
}
