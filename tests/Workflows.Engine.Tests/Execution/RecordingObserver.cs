using System.Collections.Concurrent;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;
using Workflows.Engine.Execution;

namespace Workflows.Engine.Tests.Execution;

/// <summary>Records every report as a short line (<c>started:a</c>, <c>completed:a</c>, <c>failed:b:reason</c> …).</summary>
public sealed class RecordingObserver : IExecutionObserver
{
    private readonly ConcurrentQueue<string> _events = new();

    public IReadOnlyList<string> Events => [.. _events];

    public ConcurrentDictionary<string, BlockResult> Results { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, TimeSpan> Durations { get; } = new(StringComparer.Ordinal);

    public ValueTask BlockStartedAsync(BlockDefinition block, CancellationToken cancellationToken)
    {
        _events.Enqueue($"started:{block.Id}");
        return default;
    }

    public ValueTask BlockCompletedAsync(BlockDefinition block, BlockResult result, TimeSpan duration, CancellationToken cancellationToken)
    {
        Results[block.Id] = result;
        Durations[block.Id] = duration;
        _events.Enqueue($"completed:{block.Id}");
        return default;
    }

    public ValueTask BlockFailedAsync(BlockDefinition block, string error, TimeSpan duration, CancellationToken cancellationToken)
    {
        _events.Enqueue($"failed:{block.Id}:{error}");
        return default;
    }

    public ValueTask BlockSkippedAsync(BlockDefinition block, string reason, CancellationToken cancellationToken)
    {
        _events.Enqueue($"skipped:{block.Id}:{reason}");
        return default;
    }

    public ValueTask TextDeltaAsync(BlockDefinition block, string text, CancellationToken cancellationToken)
    {
        _events.Enqueue($"text:{block.Id}:{text}");
        return default;
    }

    public ValueTask LogAsync(BlockDefinition block, string message, CancellationToken cancellationToken)
    {
        _events.Enqueue($"log:{block.Id}:{message}");
        return default;
    }
}
