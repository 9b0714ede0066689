using System.Text.Json.Nodes;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;
using Workflows.Engine.Execution.Internal;
using Workflows.Engine.Templating;

namespace Workflows.Blocks.Tests.Fixtures;

/// <summary>
/// Runs one block alone, the way the executor would: given parameters, launch variables and earlier outputs, it
/// executes or validates the block and captures what the block streamed and logged.
/// </summary>
public sealed class BlockTestFixture(IBlock block, string type = "block")
{
    /// <summary>The block's id in the one-block workflow.</summary>
    public string BlockId { get; set; } = "this";

    /// <summary>The block's own parameters (everything but id, type and after).</summary>
    public JsonObject Parameters { get; } = [];

    /// <summary>The job's launch variables; their names are also the declared ones for <see cref="Validate"/>.</summary>
    public JsonObject LaunchVariables { get; } = [];

    /// <summary>Outputs of earlier blocks; their ids are the upstream blocks for <see cref="Validate"/>.</summary>
    public Dictionary<string, JsonNode?> Outputs { get; } = new(StringComparer.Ordinal);

    /// <summary>Text the block streamed, in order.</summary>
    public List<string> TextDeltas { get; } = [];

    /// <summary>Lines the block logged, in order.</summary>
    public List<string> Logs { get; } = [];

    /// <summary>The renderer behind the context's template methods.</summary>
    public TemplateRenderer Renderer { get; set; } = TemplateRenderer.Shared;

    /// <summary>Block types for blocks that run or validate inline blocks (<c>foreach</c>); null for none.</summary>
    public BlockRegistry? Registry { get; set; }

    /// <summary>The block's start as the context reports it (an earlier time plays a block resumed after a restart).</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>The job id the context reports.</summary>
    public Guid JobId { get; set; } = Guid.NewGuid();

    public BlockTestFixture WithParameter(string name, JsonNode? value)
    {
        Parameters[name] = value;
        return this;
    }

    public BlockTestFixture WithLaunchVariable(string name, JsonNode? value)
    {
        LaunchVariables[name] = value;
        return this;
    }

    public BlockTestFixture WithOutput(string id, JsonNode? value)
    {
        Outputs[id] = value;
        return this;
    }

    /// <summary>The block as the parser would have produced it.</summary>
    public BlockDefinition Definition => new(BlockId, type, null, Parameters, 1);

    /// <summary>Runs the block once.</summary>
    public Task<BlockResult> ExecuteAsync(CancellationToken cancellationToken = default)
    {
        var definition = Definition;
        var workflow = new WorkflowDefinition
        {
            Name = "main",
            Title = "main",
            LaunchVariables = [.. LaunchVariables.Select(v => new LaunchVariableDefinition(v.Key, "any", false, null, ""))],
            Blocks = [definition],
            OutputVariables = [],
            Source = "",
        };
        var context = new ExecutionBlockContext(Renderer, new CapturingObserver(this))
        {
            JobId = JobId,
            OrganizationId = "default",
            App = new AppDefinition
            {
                Id = "app",
                OrganizationId = "default",
                Name = "App",
                Slug = "app",
                Workflows = new Dictionary<string, WorkflowDefinition> { ["main"] = workflow },
                Source = "api",
            },
            Workflow = workflow,
            Definition = definition,
            LaunchVariables = LaunchVariables,
            Outputs = Outputs,
            StartedAt = StartedAt ?? DateTimeOffset.UtcNow,
            IsResumed = StartedAt is not null,
            Registry = Registry,
        };
        return block.ExecuteAsync(context, cancellationToken);
    }

    /// <summary>
    /// Validates the block; throws <see cref="DefinitionException"/> when it refuses. Upstream blocks default to the
    /// ids in <see cref="Outputs"/>; <paramref name="otherBlocks"/> are in the workflow but not upstream: they come after
    /// this block and wait for it.
    /// </summary>
    public void Validate(IEnumerable<string>? otherBlocks = null)
    {
        var upstream = new HashSet<string>(Outputs.Keys, StringComparer.Ordinal);
        var all = new HashSet<string>(upstream, StringComparer.Ordinal) { BlockId };
        all.UnionWith(otherBlocks ?? []);
        var declared = new HashSet<string>(LaunchVariables.Select(v => v.Key), StringComparer.Ordinal);
        block.Validate(new BlockValidationContext(
            "test.flow", Definition, declared, upstream, all, Registry, UpstreamOf));

        IReadOnlySet<string> UpstreamOf(string id) =>
            id == BlockId ? upstream : upstream.Contains(id) ? new HashSet<string>() : new HashSet<string>(upstream) { BlockId };
    }

    /// <summary>The validation error's reason, or null when the block accepts its definition.</summary>
    public string? ValidationError(IEnumerable<string>? otherBlocks = null)
    {
        try
        {
            Validate(otherBlocks);
            return null;
        }
        catch (DefinitionException e)
        {
            return e.Reason;
        }
    }

    private sealed class CapturingObserver(BlockTestFixture fixture) : Workflows.Engine.Execution.IExecutionObserver
    {
        public ValueTask BlockStartedAsync(BlockDefinition block, CancellationToken cancellationToken) => default;

        public ValueTask BlockCompletedAsync(BlockDefinition block, BlockResult result, TimeSpan duration, CancellationToken cancellationToken) => default;

        public ValueTask BlockFailedAsync(BlockDefinition block, string error, TimeSpan duration, CancellationToken cancellationToken) => default;

        public ValueTask BlockSkippedAsync(BlockDefinition block, string reason, CancellationToken cancellationToken) => default;

        public ValueTask TextDeltaAsync(BlockDefinition block, string text, CancellationToken cancellationToken)
        {
            lock (fixture.TextDeltas)
            {
                fixture.TextDeltas.Add(text);
            }

            return default;
        }

        public ValueTask LogAsync(BlockDefinition block, string message, CancellationToken cancellationToken)
        {
            lock (fixture.Logs)
            {
                fixture.Logs.Add(message);
            }

            return default;
        }
    }
}
