using System.Globalization;
using System.Xml;

namespace Workflows.Engine.Definitions;

/// <summary>
/// Reads durations as written in workflow files: a number with a unit (<c>500ms</c>, <c>30s</c>, <c>1.5m</c>,
/// <c>2h</c>) or ISO 8601 (<c>PT5M</c>, <c>P1DT2H</c>). Negative durations are refused.
/// </summary>
public static class DurationParser
{
    /// <summary>Writes a duration the way workflow files do, in its largest whole-ish unit: <c>500ms</c>, <c>2s</c>, <c>1.5m</c>, <c>2h</c>.</summary>
    public static string Format(TimeSpan duration) => duration switch
    {
        { TotalSeconds: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.###}ms"),
        { TotalMinutes: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.###}s"),
        { TotalHours: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMinutes:0.###}m"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalHours:0.###}h"),
    };

    /// <summary>Parses <paramref name="text"/>; false when it is not a valid, non-negative duration.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        if (value[0] is 'P' or 'p')
        {
            try
            {
                duration = XmlConvert.ToTimeSpan(value.ToUpperInvariant());
                return duration >= TimeSpan.Zero;
            }
            catch (FormatException)
            {
                return false;
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        var (number, unit) = value.EndsWith("ms", StringComparison.OrdinalIgnoreCase)
            ? (value[..^2], 1.0)
            : (value[..^1], char.ToLowerInvariant(value[^1]) switch { 's' => 1_000.0, 'm' => 60_000.0, 'h' => 3_600_000.0, _ => 0 });
        if (unit == 0 || number.Length == 0
            || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        var milliseconds = amount * unit;
        if (double.IsNaN(milliseconds) || milliseconds > TimeSpan.MaxValue.TotalMilliseconds)
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }
}
