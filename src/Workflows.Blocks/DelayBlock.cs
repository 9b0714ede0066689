using System.Globalization;
using System.Text.Json.Nodes;
using Workflows.Blocks.Internal;
using Workflows.Engine.Definitions;
using Workflows.Engine.Templating;

namespace Workflows.Blocks;

/// <summary>
/// <c>type: delay</c> — waits for <c>duration</c> (<c>500ms</c>, <c>30s</c>, <c>5m</c>, ISO 8601 <c>PT5M</c>; at most
/// 366 days) or until <c>until</c> (an ISO 8601 time). In a job it suspends the job (<see cref="BlockWaitException"/>): the
/// job waits as stored data, holding no thread, run slot or lease, and runs again when due. The wait counts from the
/// block's first start (<see cref="BlockContext.StartedAt"/>), so a restart never lengthens it. Where it cannot suspend
/// (inside <c>foreach</c>) it waits in memory. Its output is the time it ended waiting (ISO 8601, UTC).
/// </summary>
[Block(TypeName, Description = "Waits for a duration or until a time; the wait survives restarts.", Waits = true)]
[BlockOption(DurationParameter, BlockOptionType.Template, Description = "How long to wait: 500ms, 30s, 5m, PT5M (a template allowed).")]
[BlockOption(UntilParameter, BlockOptionType.Template, Description = "When to stop waiting: an ISO 8601 time with an offset (a template allowed).")]
public sealed class DelayBlock : IBlock
{
    /// <summary>The block type name.</summary>
    public const string TypeName = "delay";

    /// <summary>How long to wait (a template allowed), e.g. <c>30s</c>.</summary>
    public const string DurationParameter = "duration";

    /// <summary>When to stop waiting (a template allowed): an ISO 8601 time with an offset, e.g. <c>2030-01-01T09:00:00Z</c>.</summary>
    public const string UntilParameter = "until";

    /// <summary>The longest <c>duration</c> accepted: anything longer is a mistake (a unit slip), refused when loaded.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(366);

    // Task.Delay takes at most about 49 days at once; longer waits go in steps.
    private static readonly TimeSpan MaxStep = TimeSpan.FromDays(30);

    private readonly TemplateRenderer _renderer;

    private readonly TimeProvider _time;

    /// <summary>Creates the block; it waits by <paramref name="time"/>.</summary>
    public DelayBlock(TemplateRenderer renderer, TimeProvider time)
    {
        _renderer = renderer;
        _time = time;
    }

    /// <inheritdoc />
    public void Validate(BlockValidationContext context)
    {
        var parameters = context.Block.Parameters;
        var hasDuration = parameters.ContainsKey(DurationParameter);
        var hasUntil = parameters.ContainsKey(UntilParameter);
        if (hasDuration == hasUntil)
        {
            context.Error($"give exactly one of '{DurationParameter}' or '{UntilParameter}'");
        }

        var name = hasDuration ? DurationParameter : UntilParameter;
        var text = Parameters.ValidateRequiredString(context, name);
        if (text.Contains("{{", StringComparison.Ordinal) || text.Contains("{%", StringComparison.Ordinal))
        {
            // Known only when it runs; check what it reads.
            Parameters.ValidateTemplate(context, _renderer, text, name);
            return;
        }

        var parsed = TimeSpan.Zero;
        if (hasDuration && !DurationParser.TryParse(text, out parsed))
        {
            context.Error($"'{DurationParameter}': '{text}' is not a duration (use 500ms, 30s, 5m, 2h or ISO 8601 such as PT5M)");
        }
        else if (hasDuration && parsed > MaxDuration)
        {
            context.Error($"'{DurationParameter}': '{text}' is longer than the 366 days a delay may last");
        }

        if (hasUntil && !TryParseTime(text, out _))
        {
            context.Error($"'{UntilParameter}': '{text}' is not an ISO 8601 time with an offset (such as 2030-01-01T09:00:00Z)");
        }
    }

    /// <inheritdoc />
    public async Task<BlockResult> ExecuteAsync(BlockContext context, CancellationToken cancellationToken)
    {
        var definition = context.Definition;
        DateTimeOffset due;
        if (Parameters.GetString(definition, DurationParameter) is { } durationText)
        {
            var text = await context.RenderAsync(durationText, cancellationToken);
            if (!DurationParser.TryParse(text, out var duration))
            {
                throw new BlockException($"'{DurationParameter}': '{text}' is not a duration (use 500ms, 30s, 5m, 2h or ISO 8601 such as PT5M)");
            }

            if (duration > MaxDuration)
            {
                throw new BlockException($"'{DurationParameter}': '{text}' is longer than the 366 days a delay may last");
            }

            due = context.StartedAt + duration;
        }
        else
        {
            var text = await context.RenderAsync(Parameters.RequireString(definition, UntilParameter), cancellationToken);
            if (!TryParseTime(text, out due))
            {
                throw new BlockException($"'{UntilParameter}': '{text}' is not an ISO 8601 time with an offset (such as 2030-01-01T09:00:00Z)");
            }
        }

        if (context.CanSuspend && due > _time.GetUtcNow())
        {
            throw new BlockWaitException(new JobWait { Reason = JobWait.DelayReason, WakeAt = due });
        }

        for (var remaining = due - _time.GetUtcNow(); remaining > TimeSpan.Zero; remaining = due - _time.GetUtcNow())
        {
            await Task.Delay(remaining < MaxStep ? remaining : MaxStep, _time, cancellationToken);
        }

        var ended = _time.GetUtcNow();
        return new BlockResult(JsonValue.Create(ended.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
    }

    // An offset is required: a bare local time would depend on the server's time zone.
    private static bool TryParseTime(string text, out DateTimeOffset time)
    {
        time = default;
        var trimmed = text.Trim();
        var hasOffset = trimmed.EndsWith('Z') || trimmed.EndsWith('z')
            || (trimmed.Length > 6 && trimmed[^6] is '+' or '-' && trimmed[^3] == ':');
        return hasOffset && trimmed.Contains('T', StringComparison.OrdinalIgnoreCase)
            && DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }
}
