using Cronos;
using Workflows.Engine.Jobs;

namespace Workflows.Engine.Schedules;

/// <summary>
/// A parsed cron expression in a time zone (Cronos): 5 fields, 6 with seconds first (told apart by the field count), or a
/// name such as <c>@hourly</c>. Daylight-saving gaps and repeats are Cronos's: a time that does not exist runs at the
/// gap's end, a repeated one runs once (interval expressions such as <c>*/5</c> run in both repeats).
/// </summary>
public sealed class CronSchedule
{
    private readonly CronExpression _expression;

    private CronSchedule(CronExpression expression, TimeZoneInfo zone)
    {
        _expression = expression;
        Zone = zone;
    }

    /// <summary>The time zone the cron is read in.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>
    /// Parses <paramref name="cron"/> in <paramref name="timeZone"/> (IANA; empty means UTC). Throws an
    /// <see cref="EngineException"/> (invalid argument) naming <c>cron</c> or <c>time_zone</c>.
    /// </summary>
    public static CronSchedule Parse(string? cron, string? timeZone)
    {
        var zone = ParseTimeZone(timeZone);
        var text = (cron ?? "").Trim();
        if (text.Length == 0)
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, "cron is required");
        }

        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length;
        var format = text.StartsWith('@') ? CronFormat.Standard
            : fields == 5 ? CronFormat.Standard
            : fields == 6 ? CronFormat.IncludeSeconds
            : throw new EngineException(EngineErrorKind.InvalidArgument,
                $"cron '{text}' has {fields} fields; expected 5 (minute hour day month weekday), 6 (seconds first) or a name such as @hourly");
        try
        {
            return new CronSchedule(CronExpression.Parse(text, format), zone);
        }
        catch (CronFormatException ex) when (text.StartsWith('@'))
        {
            // @every_second needs the seconds format.
            try
            {
                return new CronSchedule(CronExpression.Parse(text, CronFormat.IncludeSeconds), zone);
            }
            catch (CronFormatException)
            {
                throw new EngineException(EngineErrorKind.InvalidArgument, $"cron '{text}' is invalid: {ex.Message}");
            }
        }
        catch (CronFormatException ex)
        {
            throw new EngineException(EngineErrorKind.InvalidArgument, $"cron '{text}' is invalid: {ex.Message}");
        }
    }

    /// <summary>An IANA time zone by id (empty means UTC); throws an <see cref="EngineException"/> naming <c>time_zone</c>.</summary>
    public static TimeZoneInfo ParseTimeZone(string? timeZone)
    {
        if (string.IsNullOrWhiteSpace(timeZone))
        {
            return TimeZoneInfo.Utc;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(timeZone.Trim(), out var zone)
            ? zone
            : throw new EngineException(EngineErrorKind.InvalidArgument, $"time_zone '{timeZone}' is not a known IANA time zone (such as UTC or Europe/Berlin)");
    }

    /// <summary>The first tick after <paramref name="after"/>, or null when there is none.</summary>
    public DateTimeOffset? Next(DateTimeOffset after) => _expression.GetNextOccurrence(after, Zone);

    /// <summary>Up to <paramref name="count"/> ticks after <paramref name="after"/>, in order.</summary>
    public IReadOnlyList<DateTimeOffset> Next(DateTimeOffset after, int count)
    {
        var ticks = new List<DateTimeOffset>(count);
        var from = after;
        while (ticks.Count < count && _expression.GetNextOccurrence(from, Zone) is { } next)
        {
            ticks.Add(next);
            from = next;
        }

        return ticks;
    }

    /// <summary>The ticks after <paramref name="after"/> up to and including <paramref name="until"/>, in order.</summary>
    public IEnumerable<DateTimeOffset> Between(DateTimeOffset after, DateTimeOffset until) =>
        after >= until ? [] : _expression.GetOccurrences(after, until, Zone, fromInclusive: false, toInclusive: true);
}
