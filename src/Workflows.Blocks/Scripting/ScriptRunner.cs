using System.Globalization;
using System.Text.Json.Nodes;
using Acornima;
using Jint;
using JsEngine = Jint.Engine;
using Jint.Native;
using Jint.Native.Json;
using Jint.Runtime;
using Microsoft.Extensions.Options;
using Workflows.Engine.Blocks;
using Workflows.Engine.Caching;
using Workflows.Blocks.Scripting.Internal;
using Workflows.Engine.Templating;

namespace Workflows.Blocks.Scripting;

/// <summary>
/// Runs a <c>script</c> block's JavaScript (Jint) as a function body in a sandbox: strict mode, no .NET access, no
/// <c>eval</c>, and limits on time, memory, recursion and statements. Earlier outputs are globals named by block id,
/// launch variables are properties of <c>$launchVariables</c>, and the <c>return</c> value is the output.
/// Thread-safe; register one instance as a singleton.
/// </summary>
public sealed class ScriptRunner : IDisposable
{
    /// <summary>The global through which scripts read launch variables.</summary>
    public const string LaunchVariablesName = "$launchVariables";

    // The body opens on the wrapper's first line, so reported line numbers are the user's.
    private const string Prefix = "(function () {";
    private const string Suffix = "\n})()";

    private static readonly ScriptPreparationOptions PreparationOptions = new() { CollectReferencedGlobals = true };

    private readonly ScriptOptions _options;
    private readonly BoundedCache<PreparedCode> _cache;
    private readonly SemaphoreSlim _slots;

    /// <summary>Creates a runner with the given limits, and a cache of prepared scripts of <see cref="CacheOptions.ScriptBytes"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is zero or negative.</exception>
    public ScriptRunner(IOptions<ScriptOptions> options, IOptions<CacheOptions>? caches = null)
    {
        _options = options.Value;
        var cacheBytes = caches?.Value.ScriptBytes ?? new CacheOptions().ScriptBytes;
        ArgumentOutOfRangeException.ThrowIfNegative(cacheBytes, "Workflows:Caches:ScriptBytes");
        // Measured: a prepared script holds about 4 KB plus 40 bytes per source character (the key's 2 included).
        _cache = new BoundedCache<PreparedCode>(cacheBytes, static (code, _) => 4096 + (40L * code.Length));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.TimeoutMs, "Workflows:Scripts:TimeoutMs");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.MemoryLimitBytes, "Workflows:Scripts:MemoryLimitBytes");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.RecursionLimit, "Workflows:Scripts:RecursionLimit");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.MaxStatements, "Workflows:Scripts:MaxStatements");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.MaxConcurrency, "Workflows:Scripts:MaxConcurrency");
        _slots = new SemaphoreSlim(_options.MaxConcurrency, _options.MaxConcurrency);
    }

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();

    /// <summary>Scripts running now (at most <see cref="ScriptOptions.MaxConcurrency"/>).</summary>
    public int Running => _options.MaxConcurrency - _slots.CurrentCount;

    /// <summary>
    /// <see cref="Run"/> on the bounded script pool: waits for one of <see cref="ScriptOptions.MaxConcurrency"/> slots,
    /// then runs on a thread of its own, so neither the wait nor the script holds a thread-pool thread.
    /// </summary>
    /// <exception cref="BlockException">The code does not parse, throws, or exceeds a limit.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public async Task<JsonNode?> RunAsync(
        string code,
        JsonObject launchVariables,
        IReadOnlyDictionary<string, JsonNode?> outputs,
        CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Factory.StartNew(
                () => Run(code, launchVariables, outputs, cancellationToken),
                cancellationToken,
                TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach,
                TaskScheduler.Default).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>A runner with the default limits, for code that is not given one (blocks created without services).</summary>
    public static ScriptRunner Shared { get; } = new(Microsoft.Extensions.Options.Options.Create(new ScriptOptions()));

    /// <summary>The limits in force.</summary>
    public ScriptOptions Limits => _options;

    /// <summary>
    /// Runs <paramref name="code"/> and returns its <c>return</c> value as JSON (<c>undefined</c> becomes null).
    /// Runs synchronously on the calling thread, for at most <see cref="ScriptOptions.TimeoutMs"/>.
    /// </summary>
    /// <exception cref="BlockException">The code does not parse, throws, or exceeds a limit.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public JsonNode? Run(
        string code,
        JsonObject launchVariables,
        IReadOnlyDictionary<string, JsonNode?> outputs,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var prepared = GetOrPrepare(code);
        using var engine = CreateEngine(cancellationToken);
        try
        {
            InstallGlobals(engine, prepared, launchVariables, outputs);
            var result = engine.Evaluate(in prepared.Script);
            return ToJson(engine, result);
        }
        catch (ExecutionCanceledException)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (TimeoutException e)
        {
            throw new BlockException($"script timed out after {_options.TimeoutMs} ms", e);
        }
        catch (MemoryLimitExceededException e)
        {
            throw new BlockException("script exceeded its memory limit", e);
        }
        catch (RecursionDepthOverflowException e)
        {
            throw new BlockException("script exceeded the recursion limit", e);
        }
        catch (StatementsCountOverflowException e)
        {
            throw new BlockException("script exceeded its statement limit", e);
        }
        catch (JavaScriptException e)
        {
            var line = e.Location.Start.Line;
            throw new BlockException(line > 0 ? $"script error: {e.Message} (line {line})" : $"script error: {e.Message}", e);
        }
        catch (Exception e) when (e is not BlockException and not OperationCanceledException)
        {
            throw new BlockException($"script error: {e.Message}", e);
        }
    }

    /// <summary>Why <paramref name="code"/> does not parse (with its line), or null when it does.</summary>
    public string? ValidateSyntax(string code)
    {
        try
        {
            GetOrPrepare(code);
            return null;
        }
        catch (BlockException e)
        {
            return e.Message;
        }
    }

    internal PreparedCode GetOrPrepare(string code)
    {
        if (_cache.TryGetValue(code, out var prepared))
        {
            return prepared;
        }

        return _cache.Add(code, Prepare(code));
    }

    private static PreparedCode Prepare(string code)
    {
        try
        {
            var script = JsEngine.PrepareScript(Prefix + code + Suffix, "script", strict: true, PreparationOptions);
            var globals = script.ReferencedGlobals;
            var needsAll = globals is null || globals.HasDirectEvalCall || globals.Contains("globalThis");
            return new PreparedCode(script, needsAll);
        }
        catch (ScriptPreparationException e) when (e.InnerException is ParseErrorException parse)
        {
            // An error found in the wrapper's closing line (an unbalanced brace) belongs to the user's last line.
            var line = Math.Min(parse.LineNumber, code.AsSpan().Count('\n') + 1);
            throw new BlockException($"script syntax error: {parse.Description} (line {line})", e);
        }
        catch (ScriptPreparationException e)
        {
            throw new BlockException($"script syntax error: {e.Message}", e);
        }
    }

    private JsEngine CreateEngine(CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromMilliseconds(_options.TimeoutMs);

        // No AllowClr and no interop: scripts see plain JavaScript and the data handed to them, nothing of .NET.
        return new JsEngine(options => options
            .Strict()
            .DisableStringCompilation()
            .TimeoutInterval(timeout)
            .RegexTimeoutInterval(timeout)
            .LimitMemory(_options.MemoryLimitBytes)
            .LimitRecursion(_options.RecursionLimit)
            .MaxStatements(_options.MaxStatements)
            .CancellationToken(cancellationToken)
            .Culture(CultureInfo.InvariantCulture)
            .LocalTimeZone(TimeZoneInfo.Utc));
    }

    private static void InstallGlobals(
        JsEngine engine,
        PreparedCode prepared,
        JsonObject launchVariables,
        IReadOnlyDictionary<string, JsonNode?> outputs)
    {
        var parser = new JsonParser(engine);
        if (prepared.NeedsAllOutputs)
        {
            foreach (var (id, output) in outputs)
            {
                engine.SetValue(id, ToJs(parser, output));
            }

            engine.SetValue(LaunchVariablesName, ToJs(parser, launchVariables));
            return;
        }

        // Hand over only what the code names: a script late in a long workflow does not pay for every output.
        foreach (var name in prepared.Globals!)
        {
            if (name == LaunchVariablesName)
            {
                engine.SetValue(name, ToJs(parser, launchVariables));
            }
            else if (outputs.TryGetValue(name, out var output))
            {
                engine.SetValue(name, ToJs(parser, output));
            }
        }
    }

    // Values cross as JSON text, so the script gets plain JavaScript data, never a wrapped .NET object.
    private static JsValue ToJs(JsonParser parser, JsonNode? node) => parser.Parse(JsonText.Write(node));

    private static JsonNode? ToJson(JsEngine engine, JsValue value)
    {
        if (value.IsUndefined() || value.IsNull())
        {
            return null;
        }

        var json = new JsonSerializer(engine).Serialize(value);
        return json.IsUndefined() ? null : JsonNode.Parse(json.ToString());
    }
}
