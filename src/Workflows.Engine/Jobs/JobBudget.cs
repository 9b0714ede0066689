using System.Globalization;
using System.Text.Json.Nodes;

namespace Workflows.Engine.Jobs;

/// <summary>
/// Limits on what one job may spend: its summed billing cost (<see cref="Billing"/>) and the model tokens its blocks
/// report (<c>usage.totalTokens</c>). A block does not start once the spend has reached a limit.
/// </summary>
/// <param name="MaxCost">The most the job may cost, or null for no limit.</param>
/// <param name="MaxTokens">The most tokens the job may use, or null for no limit.</param>
public sealed record JobBudget(decimal? MaxCost, long? MaxTokens)
{
    /// <summary>The error code a job stopped by its budget fails with (its error text starts with it and a colon).</summary>
    public const string ExceededCode = "budget_exceeded";

    /// <summary>
    /// Reads a budget as callers write it: <paramref name="maxCost"/> a decimal string, <paramref name="maxTokens"/> a
    /// count; empty values mean no limit. Throws <see cref="FormatException"/> naming <paramref name="field"/>.maxCost or
    /// .maxTokens when a value is negative or not a number. Returns null when neither is set.
    /// </summary>
    public static JobBudget? Parse(string? maxCost, string? maxTokens, string field)
    {
        decimal? cost = null;
        long? tokens = null;
        if (!string.IsNullOrWhiteSpace(maxCost))
        {
            cost = decimal.TryParse(maxCost.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var c)
                ? c
                : throw new FormatException($"{field}.maxCost: '{maxCost}' is not a non-negative decimal such as \"0.50\"");
        }

        if (!string.IsNullOrWhiteSpace(maxTokens))
        {
            tokens = long.TryParse(maxTokens.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var t)
                ? t
                : throw new FormatException($"{field}.maxTokens: '{maxTokens}' is not a non-negative whole number");
        }

        return cost is null && tokens is null ? null : new JobBudget(cost, tokens);
    }

    /// <summary>
    /// The error a job fails with when <paramref name="cost"/> or <paramref name="tokens"/> already reached a limit
    /// before <paramref name="blockId"/> starts; null while within the budget.
    /// </summary>
    public string? Refusal(decimal cost, long tokens, string blockId)
    {
        if (MaxCost is { } maxCost && cost >= maxCost)
        {
            return $"{ExceededCode}: maxCost {Billing.Format(maxCost)} reached (spent {Billing.Format(cost)}) before block '{blockId}'";
        }

        if (MaxTokens is { } maxTokens && tokens >= maxTokens)
        {
            return string.Create(
                CultureInfo.InvariantCulture, $"{ExceededCode}: maxTokens {maxTokens} reached (used {tokens}) before block '{blockId}'");
        }

        return null;
    }

    /// <summary>The budget as stored: <c>{"maxCost":"0.5","maxTokens":20000}</c>, limits not set left out.</summary>
    public string ToJson()
    {
        var json = new JsonObject();
        if (MaxCost is { } cost)
        {
            json["maxCost"] = Billing.Format(cost);
        }

        if (MaxTokens is { } tokens)
        {
            json["maxTokens"] = tokens;
        }

        return json.ToJsonString();
    }

    /// <summary>Reads <see cref="ToJson"/>'s text; null or empty gives null.</summary>
    public static JobBudget? FromJson(string? text)
    {
        if (string.IsNullOrEmpty(text) || JsonNode.Parse(text) is not JsonObject json)
        {
            return null;
        }

        return Parse(json["maxCost"]?.GetValue<string>(), json["maxTokens"]?.ToJsonString(), "budget");
    }
}
