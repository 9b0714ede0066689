using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Workflows.Engine.Blocks;
using Workflows.Engine.Definitions;
using Workflows.Engine.Diagnostics;

namespace Workflows.Engine.Execution.Internal;

/// <summary>Running one block and reporting it; never throws, the scheduler learns the end through the channel.</summary>
internal sealed partial class WorkflowRun
{
    private async Task RunBlockAsync(int i, BlockContext context)
    {
        BlockCompletion completion;
        try
        {
            completion = await ExecuteBlockAsync(i, context);
        }
        catch (Exception e)
        {
            // The observer failed (or the caller cancelled while it was reporting): not the block's fault.
            completion = new BlockCompletion(i, BlockCompletionKind.Crashed, null, null, ExceptionDispatchInfo.Capture(e));
        }

        _completions.Writer.TryWrite(completion);
    }

    private async Task<BlockCompletion> ExecuteBlockAsync(int i, BlockContext context)
    {
        var definition = _plan.Blocks[i];
        var runToken = _runCancellation!.Token;
        if (!context.IsResumed)
        {
            if (_request.Spending?.Refuse(definition) is { } refusal)
            {
                // Checked before the start is reported: a refused block never starts.
                return new BlockCompletion(i, BlockCompletionKind.Refused, null, refusal, null);
            }

            await _observer.BlockStartedAsync(definition, _cancellationToken);
        }

        // A resumed block's duration counts from its first start, before the restart.
        var earlier = context.IsResumed ? _time.GetUtcNow() - context.StartedAt : TimeSpan.Zero;
        if (earlier < TimeSpan.Zero)
        {
            earlier = TimeSpan.Zero;
        }

        // The block's own timeout (or the default), counted from its first start like its duration, so a restart does
        // not grant it a fresh allowance. It cancels only this block; the run then stops as for any failed block.
        // A block that waits by suspending the job runs only briefly each time; it keeps its own `timeout` itself.
        var limit = context.CanSuspend && _plan.Descriptors[i]?.Waits == true ? null : _plan.TimeoutOf(i, _request.DefaultBlockTimeout);
        using var timeout = limit is { } allowed && allowed - earlier < MaxTimer
            ? new CancellationTokenSource(AtLeastOneMillisecond(allowed - earlier), _time)
            : null;
        using var linked = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(runToken, timeout.Token);
        var blockToken = linked?.Token ?? runToken;

        // The block's span is the ambient one while it runs: its HTTP calls, model calls and child jobs hang under it.
        using var span = StartSpan(definition);
        var started = Stopwatch.GetTimestamp();
        BlockResult? result = null;
        string? reason = null;
        string? error = null;
        var timedOut = false;
        try
        {
            var block = _plan.Implementations[i] ?? throw new BlockException($"unknown block type '{definition.Type}'");
            result = await block.ExecuteAsync(context, blockToken)
                ?? throw new InvalidOperationException("the block returned no result");
        }
        catch (OperationCanceledException) when (runToken.IsCancellationRequested)
        {
            if (_cancellationToken.IsCancellationRequested)
            {
                return new BlockCompletion(i, BlockCompletionKind.Cancelled, null, null, null);
            }

            // Another block failed; say so, so a watcher never sees a start without an end.
            await _observer.BlockFailedAsync(
                definition, $"cancelled because block '{_failedBlock}' failed", earlier + Stopwatch.GetElapsedTime(started), _cancellationToken);
            return new BlockCompletion(i, BlockCompletionKind.Cancelled, null, null, null);
        }
        catch (Exception e) when (timeout?.IsCancellationRequested == true && e is OperationCanceledException or BlockException)
        {
            // A block may turn the cancellation into its own error (http_request does for its own timeout): the outer
            // bound is what ended it either way.
            timedOut = true;
            reason = error = $"block '{definition.Id}' timed out after {DurationParser.Format(limit!.Value)}";
        }
        catch (BlockWaitException e) when (context.CanSuspend)
        {
            return new BlockCompletion(i, BlockCompletionKind.Waiting, null, null, null, e.Wait);
        }
        catch (BlockException e)
        {
            reason = e.Message;
            error = e.Message;
        }
        catch (Exception e)
        {
            // Only the message: stack traces and inner details stay out of job events.
            reason = e.Message;
            error = $"block '{definition.Id}' failed: {e.Message}";
        }

        var duration = earlier + Stopwatch.GetElapsedTime(started);
        EngineTelemetry.BlockDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("type", definition.Type));
        if (result is null)
        {
            span?.SetStatus(ActivityStatusCode.Error, error);
        }

        if (result is not null)
        {
            // Outside the try: an observer that cannot record the result is the runner's failure, not the block's.
            await _observer.BlockCompletedAsync(definition, result, duration, _cancellationToken);
            return new BlockCompletion(i, BlockCompletionKind.Completed, result, null, null);
        }

        await _observer.BlockFailedAsync(definition, error!, duration, _cancellationToken);
        return new BlockCompletion(i, timedOut ? BlockCompletionKind.TimedOut : BlockCompletionKind.Failed, null, reason, null);
    }

    private static Activity? StartSpan(BlockDefinition definition)
    {
        if (!EngineTelemetry.Source.HasListeners())
        {
            return null;
        }

        var span = EngineTelemetry.Source.StartActivity(EngineTelemetry.BlockSpanPrefix + definition.Type);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(EngineTelemetry.BlockIdTag, definition.Id);
            span.SetTag(EngineTelemetry.BlockTypeTag, definition.Type);
        }

        return span;
    }

    // Timers take at most about 49 days; a longer timeout is no limit in practice (jobs have their own, shorter one).
    private static readonly TimeSpan MaxTimer = TimeSpan.FromDays(45);

    private static TimeSpan AtLeastOneMillisecond(TimeSpan value) =>
        value > TimeSpan.FromMilliseconds(1) ? value : TimeSpan.FromMilliseconds(1);
}
