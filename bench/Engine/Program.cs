using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bench.Engine;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Blocks;
using Workflows.Engine;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;
using Workflows.Engine.Execution;
using Workflows.Engine.Templating;

// Usage: Engine [iterations] [blocks]. Prints a table to stderr and `RESULT {json}` to stdout.
var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
var size = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;

// Blocks are built by the container, as in the server: the library's and the bench's own.
using var services = new ServiceCollection()
    .AddWorkflowEngine()
    .AddWorkflowBlocks()
    .AddBlocksFrom(typeof(NoopBlock).Assembly)
    .BuildServiceProvider();
var registry = services.GetRequiredService<BlockRegistry>();
var executor = services.GetRequiredService<WorkflowExecutor>();
var topic = new JsonObject { ["topic"] = "otters" };

var sequence = Parse("sequence", Flow(Enumerable.Range(0, size).Select(i =>
    new JsonObject { ["id"] = $"b{i}", ["type"] = "template", ["text"] = $"Step {i} about {{{{$launchVariables->topic}}}}" })));
var noop = Parse("noop", Flow(Enumerable.Range(0, size).Select(i => new JsonObject { ["id"] = $"n{i}", ["type"] = "bench-noop" })));
var foreachFlow = Parse("foreach", Flow(
    [new JsonObject
    {
        ["id"] = "each",
        ["type"] = "foreach",
        ["items"] = "{{$launchVariables->items}}",
        ["block"] = new JsonObject { ["type"] = "template", ["text"] = "Item {{index}}: {{item}} about {{$launchVariables->topic}}" },
    }],
    new JsonObject { ["items"] = new JsonObject { ["type"] = "array" } }));
var items = new JsonArray(Enumerable.Range(0, size).Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());

var results = new Dictionary<string, object?>
{
    ["sequence"] = await Measure("1,000 template blocks in sequence", sequence, () => (JsonObject)topic.DeepClone()),
    ["foreach"] = await Measure("foreach over 1,000 items (inline template, parallelism 4)", foreachFlow,
        () => new JsonObject { ["topic"] = "otters", ["items"] = items.DeepClone() }),
    ["noop"] = await Measure("1,000 no-op blocks in sequence (executor alone)", noop, () => []),
    ["render"] = MeasureRender(),
};
Console.Out.WriteLine("RESULT " + JsonSerializer.Serialize(results, new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
return 0;

// Runs the workflow `iterations` times after a warm-up; per block: the median time and allocated bytes.
async Task<Dictionary<string, object?>> Measure(string title, WorkflowDefinition workflow, Func<JsonObject> variables)
{
    var times = new List<double>();
    var bytes = new List<double>();
    var gen0 = 0;
    for (var i = -3; i < iterations; i++)
    {
        var request = new ExecutionRequest
        {
            JobId = Guid.NewGuid(),
            OrganizationId = "default",
            App = new AppDefinition
            {
                Id = "bench",
                OrganizationId = "default",
                Name = "Bench",
                Slug = "bench",
                Workflows = new Dictionary<string, WorkflowDefinition> { [workflow.Name] = workflow },
                Source = "api",
            },
            Workflow = workflow,
            LaunchVariables = variables(),
        };
        var observer = new NullObserver();
        var gcBefore = GC.CollectionCount(0);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var outcome = await executor.ExecuteAsync(request, observer, CancellationToken.None);
        clock.Stop();
        var allocatedAfter = GC.GetTotalAllocatedBytes(precise: true);
        if (!outcome.Succeeded || observer.Completed != workflow.Blocks.Count)
        {
            throw new InvalidOperationException($"{title}: {outcome.Error ?? $"{observer.Completed} blocks completed"}");
        }

        if (i >= 0)
        {
            times.Add(clock.Elapsed.TotalMicroseconds / size);
            bytes.Add((allocatedAfter - allocated) / (double)size);
            gen0 += GC.CollectionCount(0) - gcBefore;
        }
    }

    var result = new Dictionary<string, object?>
    {
        ["title"] = title,
        ["us_per_block"] = Median(times),
        ["min_us_per_block"] = times.Min(),
        ["bytes_per_block"] = Median(bytes),
        ["gen0_per_run"] = gen0 / (double)iterations,
    };
    Console.Error.WriteLine($"{title}: {Median(times):0.00} µs/block (min {times.Min():0.00}), {Median(bytes):0} B/block");
    return result;
}

// The template block's own work: one Fluid render of a cached template, as the blocks above do it.
Dictionary<string, object?> MeasureRender()
{
    var renderer = TemplateRenderer.Shared;
    var outputs = new Dictionary<string, JsonNode?>();
    var templates = Enumerable.Range(0, size).Select(i => $"Step {i} about {{{{$launchVariables->topic}}}}").ToArray();
    var times = new List<double>();
    var bytes = new List<double>();
    for (var i = -3; i < iterations; i++)
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        foreach (var template in templates)
        {
            renderer.Render(template, topic, outputs);
        }

        clock.Stop();
        if (i >= 0)
        {
            times.Add(clock.Elapsed.TotalMicroseconds / size);
            bytes.Add((GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)size);
        }
    }

    Console.Error.WriteLine($"template render alone: {Median(times):0.00} µs/render, {Median(bytes):0} B/render");
    return new Dictionary<string, object?>
    {
        ["title"] = "one template render (Fluid, cached parse)",
        ["us_per_block"] = Median(times),
        ["min_us_per_block"] = times.Min(),
        ["bytes_per_block"] = Median(bytes),
    };
}

WorkflowDefinition Parse(string name, string text) => WorkflowParser.Parse($"{name}.flow", name, text, registry);

static string Flow(IEnumerable<JsonObject> blocks, JsonObject? launchVariables = null)
{
    var variables = launchVariables ?? [];
    variables["topic"] = new JsonObject { ["type"] = "string" };
    return new JsonObject { ["name"] = "bench", ["launchVariables"] = variables, ["blocks"] = new JsonArray([.. blocks]) }.ToJsonString();
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}
