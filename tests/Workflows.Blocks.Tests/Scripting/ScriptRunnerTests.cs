using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Workflows.Engine.Blocks;
using Workflows.Blocks.Scripting;

namespace Workflows.Blocks.Tests.Scripting;

public sealed class ScriptRunnerTests : IDisposable
{
    private readonly ScriptRunner _runner = new(Options.Create(new ScriptOptions { TimeoutMs = 300 }));

    private readonly JsonObject _launchVariables = new() { ["topic"] = "owls", ["count"] = 3 };

    private readonly Dictionary<string, JsonNode?> _outputs = new()
    {
        ["prompt"] = "write about owls",
        ["data"] = new JsonObject { ["items"] = new JsonArray(1, 2, 3) },
        ["my-block"] = "dashed",
    };

    public void Dispose() => _runner.Dispose();

    [Fact]
    public async Task RunAsync_MoreLoopingScriptsThanSlots_RunAtMostMaxConcurrencyAtOnce_EachWithItsFullTimeLimit()
    {
        using var runner = new ScriptRunner(Options.Create(new ScriptOptions { TimeoutMs = 300, MaxConcurrency = 2 }));
        var most = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                most = Math.Max(most, runner.Running);
                await Task.Delay(5, CancellationToken.None);
            }
        }, CancellationToken.None);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var runs = Enumerable.Range(0, 5).Select(_ => Assert.ThrowsAsync<BlockException>(() =>
            runner.RunAsync("while (true) {}", _launchVariables, _outputs, CancellationToken.None))).ToList();
        var errors = await Task.WhenAll(runs);
        await stop.CancelAsync();
        await sampler;

        // Two at a time: three rounds of at least 300 ms each, and every script got its whole limit once it ran.
        Assert.All(errors, e => Assert.Equal("script timed out after 300 ms", e.Message));
        Assert.InRange(most, 1, 2);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(850), $"took {clock.Elapsed}");
        Assert.Equal(0, runner.Running);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileWaitingForASlot_ThrowsWithoutRunning()
    {
        using var runner = new ScriptRunner(Options.Create(new ScriptOptions { TimeoutMs = 2000, MaxConcurrency = 1 }));
        using var busy = new CancellationTokenSource();
        var holder = runner.RunAsync("while (true) {}", _launchVariables, _outputs, busy.Token);
        while (runner.Running == 0)
        {
            await Task.Delay(5);
        }

        using var waiting = new CancellationTokenSource();
        var queued = runner.RunAsync("return 1;", _launchVariables, _outputs, waiting.Token);
        await waiting.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        await busy.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => holder);
        Assert.Equal(0, runner.Running);
    }

    private JsonNode? Run(string code, CancellationToken cancellationToken = default) =>
        _runner.Run(code, _launchVariables, _outputs, cancellationToken);

    [Fact]
    public void Run_ReturnString_OutputsString() => Assert.Equal("WRITE ABOUT OWLS", Run("return prompt.toUpperCase();")!.GetValue<string>());

    [Fact]
    public void Run_ReturnNumber_OutputsNumber() => Assert.Equal(7.5, Run("return 7.5;")!.GetValue<double>());

    [Fact]
    public void Run_ReturnObject_OutputsObject() =>
        Assert.Equal("""{"a":1,"b":[true,null,"x"]}""", Run("return { a: 1, b: [true, null, 'x'], skipped: undefined };")!.ToJsonString());

    [Fact]
    public void Run_ReturnArray_OutputsArray() => Assert.Equal("[2,4,6]", Run("return data.items.map(x => x * 2);")!.ToJsonString());

    [Fact]
    public void Run_ReturnUndefined_OutputsNull()
    {
        Assert.Null(Run("return undefined;"));
        Assert.Null(Run("const x = 1;"));
        Assert.Null(Run("return () => 1;"));
    }

    [Fact]
    public void Run_LaunchVariables_AreOnGlobalObject() =>
        Assert.Equal("owls x3", Run("return $launchVariables.topic + ' x' + $launchVariables.count;")!.GetValue<string>());

    [Fact]
    public void Run_IdThatIsNotAnIdentifier_IsReachableThroughGlobalThis() =>
        Assert.Equal("dashed", Run("return globalThis['my-block'];")!.GetValue<string>());

    [Fact]
    public void Run_MutatingInput_DoesNotChangeStoredOutput()
    {
        Run("data.items.push(4); return null;");

        Assert.Equal("[1,2,3]", _outputs["data"]!["items"]!.ToJsonString());
    }

    [Fact]
    public void Run_InfiniteLoop_TimesOut()
    {
        var e = Assert.Throws<BlockException>(() => Run("while (true) {}"));
        Assert.Equal("script timed out after 300 ms", e.Message);
    }

    [Fact]
    public void Run_InfiniteLoopInToJson_TimesOut() =>
        Assert.Throws<BlockException>(() => Run("return { toJSON() { while (true) {} } };"));

    [Fact]
    public void Run_MemoryBomb_ExceedsMemoryLimit()
    {
        var runner = new ScriptRunner(Options.Create(new ScriptOptions { MemoryLimitBytes = 8 * 1024 * 1024, TimeoutMs = 10_000 }));

        var e = Assert.Throws<BlockException>(() =>
            runner.Run("const a = []; while (true) { a.push('x'.repeat(100000) + a.length); }", [], _outputs, default));

        Assert.Equal("script exceeded its memory limit", e.Message);
    }

    [Fact]
    public void Run_DeepRecursion_ExceedsRecursionLimit()
    {
        var e = Assert.Throws<BlockException>(() => Run("function f(n) { return f(n + 1); } return f(0);"));
        Assert.Equal("script exceeded the recursion limit", e.Message);
    }

    [Fact]
    public void Run_TooManyStatements_ExceedsStatementLimit()
    {
        var runner = new ScriptRunner(Options.Create(new ScriptOptions { MaxStatements = 1000 }));

        var e = Assert.Throws<BlockException>(() => runner.Run("let i = 0; for (;;) { i++; }", [], _outputs, default));

        Assert.Equal("script exceeded its statement limit", e.Message);
    }

    [Theory]
    [InlineData("return System.IO.File.ReadAllText('/etc/passwd');", "System is not defined")]
    [InlineData("return importNamespace('System.IO');", "importNamespace is not defined")]
    [InlineData("return clrHelper.typeOf('x');", "clrHelper is not defined")]
    [InlineData("return eval('1 + 1');", "String compilation has been disabled")]
    [InlineData("return new Function('return 1')();", "String compilation has been disabled")]
    [InlineData("return prompt.GetType();", "GetType")]
    public void Run_ReachingDotNet_Fails(string code, string expected)
    {
        var e = Assert.Throws<BlockException>(() => Run(code));

        Assert.StartsWith("script error: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Run_StrictMode_RefusesUndeclaredAssignment()
    {
        var e = Assert.Throws<BlockException>(() => Run("undeclared = 1; return undeclared;"));
        Assert.Equal("script error: undeclared is not defined (line 1)", e.Message);
    }

    [Fact]
    public void Run_Throw_ReportsMessageAndLine()
    {
        var e = Assert.Throws<BlockException>(() => Run("const a = 1;\nconst b = 2;\nthrow new Error('boom');"));
        Assert.Equal("script error: boom (line 3)", e.Message);
    }

    [Fact]
    public void Run_SyntaxError_ReportsLine()
    {
        var e = Assert.Throws<BlockException>(() => Run("const a = 1;\nreturn a +;"));
        Assert.Equal("script syntax error: Unexpected token ';' (line 2)", e.Message);
    }

    [Fact]
    public async Task Run_TokenCancelledWhileRunning_ThrowsOperationCanceled()
    {
        var runner = new ScriptRunner(Options.Create(new ScriptOptions { TimeoutMs = 60_000 }));
        using var cancellation = new CancellationTokenSource();
        var task = Task.Run(() => runner.Run("while (true) {}", [], new Dictionary<string, JsonNode?>(), cancellation.Token));

        await cancellation.CancelAsync();

        // Only the token can end this loop well before the one-minute timeout.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
    }

    [Fact]
    public void ValidateSyntax_ValidAndInvalid_ReturnsNullOrMessage()
    {
        Assert.Null(_runner.ValidateSyntax("return 1;"));
        Assert.Equal("script syntax error: Unexpected token '}' (line 1)", _runner.ValidateSyntax("return }"));
        Assert.EndsWith("(line 2)", _runner.ValidateSyntax("if (true) {\nreturn 1;"));
    }

    [Fact]
    public void GetOrPrepare_SameCode_ReturnsCachedScript() =>
        Assert.Same(_runner.GetOrPrepare("return 42;"), _runner.GetOrPrepare("return 42;"));

    [Fact]
    public async Task Run_ConcurrentCallers_EachGetsOwnEngine()
    {
        var tasks = Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            _runner.Run("let s = 0; for (let k = 0; k < 1000; k++) { s += k; } return s + $launchVariables.n;", new JsonObject { ["n"] = i }, _outputs, default)));

        var results = await Task.WhenAll(tasks);

        Assert.Equal(Enumerable.Range(0, 16).Select(i => 499500.0 + i), results.Select(r => r!.GetValue<double>()));
    }
}
