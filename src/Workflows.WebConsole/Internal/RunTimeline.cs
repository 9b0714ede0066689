using System.Globalization;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Workflows.Contracts.V1;

namespace Workflows.WebConsole.Internal;

/// <summary>
/// What a run view shows, folded from the job's events in sequence order: the blocks with their times (the
/// waterfall), streamed model text, logs, the wait in progress, tokens and cost. Applying an event twice is harmless
/// (a resumed watch starts after the last sequence seen, but a replay must not double the text).
/// </summary>
public sealed class RunTimeline
{
    private readonly Dictionary<string, BlockSpan> _blocksById = new(StringComparer.Ordinal);

    public long LastSequence { get; private set; }

    public DateTimeOffset? Started { get; private set; }

    public DateTimeOffset? Finished { get; private set; }

    /// <summary>The terminal event's type once the job ended (job_succeeded, job_failed, job_cancelled).</summary>
    public string? TerminalEvent { get; private set; }

    public string? Error { get; private set; }

    public Value? Result { get; private set; }

    public List<BlockSpan> Blocks { get; } = [];

    public List<LogLine> Logs { get; } = [];

    /// <summary>The <c>job_waiting</c> event's data while the job waits, else null.</summary>
    public Struct? Waiting { get; private set; }

    public long InputTokens { get; private set; }

    public long OutputTokens { get; private set; }

    public decimal Cost { get; private set; }

    public bool Ended => TerminalEvent is not null;

    public void Apply(JobEvent ev)
    {
        if (ev.Sequence <= LastSequence)
        {
            return;
        }

        LastSequence = ev.Sequence;
        var time = ev.Time?.ToDateTimeOffset();
        Started ??= time;
        switch (ev.Type)
        {
            case "block_started":
                Block(ev).Begin(time);
                break;
            case "block_completed":
                Block(ev).Finish(time, ev.Duration?.ToTimeSpan(), "completed", null);
                Block(ev).Output = ev.Output;
                Count(ev.Data);
                break;
            case "block_failed":
                Block(ev).Finish(time, ev.Duration?.ToTimeSpan(), "failed", ev.Error);
                break;
            case "block_skipped":
                Block(ev).Finish(time, TimeSpan.Zero, "skipped", null);
                break;
            case "text_delta":
                Block(ev).Text.Append(ev.Text);
                break;
            case "log":
                Logs.Add(new LogLine(time, ev.BlockId, ev.Text.Length > 0 ? ev.Text : ev.Error));
                break;
            case "job_waiting":
                Waiting = ev.Data ?? new Struct();
                if (ev.Data?.Fields.TryGetValue("blockId", out var blockId) == true && _blocksById.TryGetValue(blockId.StringValue, out var waiting))
                {
                    waiting.State = "waiting";
                }

                break;
            case "job_resumed":
                Waiting = null;
                break;
            case "job_succeeded" or "job_failed" or "job_cancelled":
                TerminalEvent = ev.Type;
                Finished = time;
                Waiting = null;
                Error = ev.Error.Length > 0 ? ev.Error : null;
                Result = ev.Output;
                break;
        }
    }

    /// <summary>Block bars as fractions of the run's span so far (start offset, width), for the waterfall.</summary>
    public (double Left, double Width) Bar(BlockSpan block, DateTimeOffset now)
    {
        if (Started is not { } start || block.Start is not { } blockStart)
        {
            return (0, 0);
        }

        var end = Finished ?? now;
        var total = Math.Max((end - start).TotalMilliseconds, 1);
        var left = Math.Clamp((blockStart - start).TotalMilliseconds / total, 0, 1);
        var blockEnd = block.End ?? end;
        var width = Math.Clamp((blockEnd - blockStart).TotalMilliseconds / total, 0, 1 - left);
        return (left * 100, width * 100);
    }

    private BlockSpan Block(JobEvent ev)
    {
        if (!_blocksById.TryGetValue(ev.BlockId, out var block))
        {
            block = new BlockSpan(ev.BlockId, ev.BlockType);
            _blocksById[ev.BlockId] = block;
            Blocks.Add(block);
        }

        return block;
    }

    private void Count(Struct? data)
    {
        if (data is null)
        {
            return;
        }

        if (data.Fields.TryGetValue("usage", out var usage) && usage.StructValue is { } u)
        {
            InputTokens += (long)(u.Fields.GetValueOrDefault("inputTokens")?.NumberValue ?? 0);
            OutputTokens += (long)(u.Fields.GetValueOrDefault("outputTokens")?.NumberValue ?? 0);
        }

        if (data.Fields.TryGetValue("billingCost", out var cost)
            && decimal.TryParse(cost.StringValue, NumberStyles.Number, CultureInfo.InvariantCulture, out var amount))
        {
            Cost += amount;
        }
    }

    /// <summary>One block's run: its times, state, streamed text and output.</summary>
    public sealed class BlockSpan(string id, string type)
    {
        public string Id { get; } = id;

        public string Type { get; } = type;

        public DateTimeOffset? Start { get; private set; }

        public DateTimeOffset? End { get; private set; }

        public TimeSpan? Duration { get; private set; }

        public string State { get; set; } = "running";

        public string? Error { get; private set; }

        public Value? Output { get; set; }

        public StringBuilder Text { get; } = new();

        public void Begin(DateTimeOffset? time)
        {
            // A block that waited runs again on resume: keep its first start so the bar covers the wait.
            Start ??= time;
            State = "running";
        }

        public void Finish(DateTimeOffset? time, TimeSpan? duration, string state, string? error)
        {
            Start ??= time;
            End = time;
            Duration = duration ?? (time - Start);
            State = state;
            Error = string.IsNullOrEmpty(error) ? null : error;
        }
    }

    /// <summary>A <c>log</c> event.</summary>
    public sealed record LogLine(DateTimeOffset? Time, string BlockId, string Text);
}
